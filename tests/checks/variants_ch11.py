"""Chapter 11's variants: standardize, batchnorm_forward and batchnorm_backward."""
import numpy as np

from nnlib import normalization

from .variants import Variant, correct


def std_vectorised(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_loops(X_train, X_test):
    """Column by column, with the formulas written out."""
    X_train, X_test = np.array(X_train, dtype=float), np.array(X_test, dtype=float)
    out_train, out_test = np.empty_like(X_train), np.empty_like(X_test)
    n = len(X_train)
    for j in range(X_train.shape[1]):
        mu = sum(X_train[:, j]) / n
        sigma = (sum((v - mu) ** 2 for v in X_train[:, j]) / n) ** 0.5
        if sigma == 0:
            sigma = 1.0
        out_train[:, j] = (X_train[:, j] - mu) / sigma
        out_test[:, j] = (X_test[:, j] - mu) / sigma
    return out_train, out_test


def std_keepdims_list(X_train, X_test):
    """keepdims statistics, sigma fixed with a mask, the pair returned as a list: accepted."""
    X_train = np.asarray(X_train, dtype=float)
    mu = X_train.mean(axis=0, keepdims=True)
    sigma = np.sqrt(((X_train - mu) ** 2).mean(axis=0, keepdims=True))
    sigma[sigma == 0] = 1.0
    return [(X_train - mu) / sigma, (np.asarray(X_test, dtype=float) - mu) / sigma]


def std_nnlib(X_train, X_test):
    return normalization.standardize(X_train, X_test)


def std_own_statistics(X_train, X_test):
    def own(X):
        s = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(s > 0, s, 1.0)
    return own(X_train), own(X_test)


def std_pooled(X_train, X_test):
    both = np.vstack([X_train, X_test])
    mu, sigma = both.mean(axis=0), both.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_variance(X_train, X_test):
    mu, var = X_train.mean(axis=0), X_train.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    return (X_train - mu) / var, (X_test - mu) / var


def std_rows(X_train, X_test):
    def rows(X):
        s = X.std(axis=1, keepdims=True)
        return (X - X.mean(axis=1, keepdims=True)) / np.where(s > 0, s, 1.0)
    return rows(X_train), rows(X_test)


def std_ddof1(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_no_constant_guard(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def bn_vectorised(Z, gamma, beta, eps):
    mu = Z.mean(axis=0)
    std = np.sqrt(Z.var(axis=0) + eps)
    Z_hat = (Z - mu) / std
    return gamma * Z_hat + beta, (Z_hat, gamma, std)


def bn_loops(Z, gamma, beta, eps):
    """Unit by unit with explicit sums; a list as the cache and a list as the pair."""
    Z = np.array(Z, dtype=float)
    n, k = Z.shape
    out = np.empty_like(Z)
    stds = []
    for j in range(k):
        mu = sum(Z[:, j]) / n
        var = sum((z - mu) ** 2 for z in Z[:, j]) / n
        std = (var + eps) ** 0.5
        stds.append(std)
        out[:, j] = gamma[j] * (Z[:, j] - mu) / std + beta[j]
    return [out, [np.array(stds), float(eps)]]


def bn_einsum_no_cache(Z, gamma, beta, eps):
    """Centred with einsum, cache None: still full points (only out is compared)."""
    n = Z.shape[0]
    centred = Z - np.einsum("ij->j", Z) / n
    var = np.einsum("ij,ij->j", centred, centred) / n
    return centred / np.sqrt(var + eps) * gamma + beta, None


def bn_nnlib(Z, gamma, beta, eps):
    return normalization.batchnorm_forward(Z, gamma, beta, eps)


def bn_rows(Z, gamma, beta, eps):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta, None


def bn_no_eps(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / Z.std(axis=0) + beta, None


def bn_eps_outside(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / (Z.std(axis=0) + eps) + beta, None


def bn_no_gamma_beta(Z, gamma, beta, eps):
    Z_hat = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + eps)
    return Z_hat, (Z_hat,)


def bn_ddof1(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0, ddof=1) + eps) + beta, None


def bn_only_out(Z, gamma, beta, eps):
    return bn_vectorised(Z, gamma, beta, eps)[0]


def bn_dict_cache(Z, gamma, beta, eps):
    out, (Z_hat, gamma, std) = bn_vectorised(Z, gamma, beta, eps)
    return out, {"Z_hat": Z_hat, "std": std}


def bnb_compact(dout, cache):
    """The chapter's compact formula."""
    Z_hat, gamma, std, training = cache
    n = dout.shape[0]
    dZ_hat = dout * gamma
    dZ = dZ_hat / std if not training else \
        (n * dZ_hat - dZ_hat.sum(axis=0) - Z_hat * (dZ_hat * Z_hat).sum(axis=0)) / (n * std)
    return dZ, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def bnb_three_paths(dout, cache):
    """The derivation step by step: ∂C/∂σ², ∂C/∂μ, then the three paths summed; lists, loops."""
    Z_hat, gamma, std, training = cache
    n, k = dout.shape
    dZ = np.zeros_like(dout, dtype=float)
    for j in range(k):
        dz_hat = [dout[i, j] * gamma[j] for i in range(n)]
        if not training:
            dZ[:, j] = np.array(dz_hat) / std[j]
            continue
        d_var = -sum(dz_hat[i] * Z_hat[i, j] for i in range(n)) / (2 * std[j] ** 2)
        d_mu = -sum(dz_hat) / std[j]
        for i in range(n):
            centred = Z_hat[i, j] * std[j]                     # z_i − μ
            dZ[i, j] = dz_hat[i] / std[j] + d_mu / n + d_var * 2 * centred / n
    return dZ, np.einsum("ij,ij->j", dout, Z_hat), dout.sum(axis=0)


def bnb_ignores_eval_mode(dout, cache):
    """The training formula in both modes: wrong when the statistics are running averages."""
    Z_hat, gamma, std, _ = cache
    return bnb_compact(dout, (Z_hat, gamma, std, True))


def bnb_constant_statistics(dout, cache):
    Z_hat, gamma, std, training = cache
    return dout * gamma / std, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def bnb_means(dout, cache):
    dZ, dgamma, dbeta = bnb_compact(dout, cache)
    return dZ, dgamma / len(dout), dbeta / len(dout)


def bnb_no_mean_path(dout, cache):
    Z_hat, gamma, std, training = cache
    n, dZ_hat = dout.shape[0], dout * gamma
    dZ = (n * dZ_hat - Z_hat * (dZ_hat * Z_hat).sum(axis=0)) / (n * std)
    return dZ, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def bnb_list(dout, cache):
    return list(bnb_compact(dout, cache))


def bnb_todo(dout, cache):
    raise NotImplementedError()


VARIANTS = [
    *correct("standardize", std_vectorised, std_loops, std_keepdims_list, std_nnlib),
    Variant("standardize", std_own_statistics, 0.0, "the test set is standardised with its own statistics",
            seeds=(0,)),
    Variant("standardize", std_pooled, 0.0, "the statistics come from the training and test sets together",
            seeds=(0,)),
    Variant("standardize", std_variance, 0.0, "divided by the variance instead of the standard deviation",
            seeds=(0,)),
    Variant("standardize", std_rows, 0.0, "each row is standardised instead of each column (axis=1)",
            seeds=(0,)),
    Variant("standardize", std_ddof1, 0.0, "the standard deviation uses ddof=1", seeds=(0,)),
    Variant("standardize", std_no_constant_guard, 0.75, None,
            says=("✗ a constant column in X_train (only centred, not divided)", "received nan")),

    *correct("batchnorm_forward", bn_vectorised, bn_loops, bn_einsum_no_cache, bn_nnlib),
    Variant("batchnorm_forward", bn_rows, 0.0,
            "the statistics are taken over each row (axis=1) instead of each column", seeds=(0,)),
    Variant("batchnorm_forward", bn_no_eps, 0.0, "eps is left out", seeds=(0,)),
    Variant("batchnorm_forward", bn_eps_outside, 0.0, "eps is added outside the square root", seeds=(0,)),
    Variant("batchnorm_forward", bn_no_gamma_beta, 0.25, "gamma and beta are not applied", seeds=(0,)),
    Variant("batchnorm_forward", bn_ddof1, 0.0, "the variance uses ddof=1 (the unbiased estimate)", seeds=(0,)),
    Variant("batchnorm_forward", bn_only_out, 0.0, None, seeds=(0,), says=("should return a pair (out, cache)",)),
    Variant("batchnorm_forward", bn_dict_cache, 0.0, None, seeds=(0,),
            says=("the cache (the second element of the pair) should hold only arrays",)),

    *correct("batchnorm_backward", bnb_compact, bnb_three_paths, normalization.batchnorm_backward),
    Variant("batchnorm_backward", bnb_constant_statistics, 0.25, "μ and σ² are treated as constants", seeds=(0,)),
    Variant("batchnorm_backward", bnb_means, 0.0, "dgamma and dbeta are means, not sums", seeds=(0,)),
    Variant("batchnorm_backward", bnb_no_mean_path, 0.0, "the path through μ is missing", seeds=(0,)),
    Variant("batchnorm_backward", bnb_ignores_eval_mode, 0.75, None, seeds=(0,)),
    Variant("batchnorm_backward", bnb_list, 0.0, None, seeds=(0,)),
    Variant("batchnorm_backward", bnb_todo, 0.0, None, seeds=(0,)),
]
