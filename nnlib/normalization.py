"""Normalization (chapter 11).

Standardisation of inputs, with the training set's statistics only:
    X_s = (X − μ_train) / σ_train
Batch normalisation of a layer's pre-activations Z (n, k) over the mini-batch:
    μ = mean_rows(Z),  σ² = var_rows(Z),  Z_hat = (Z − μ) / sqrt(σ² + eps),  out = γ ⊙ Z_hat + β
At evaluation time μ and σ² are replaced by running averages collected in training.
"""
import numpy as np

from ._validate import as_2d


def standardize(X_train, *X_others):
    """Scale every column to mean 0 and standard deviation 1 using X_train's statistics only.

    Returns (X_train_s, *X_others_s). Other sets (validation, test) are transformed with
    the training mean and std: computing them from the test set would leak information
    about it into the model. A constant column (std 0) is only centred.
    """
    X_train = as_2d(X_train, "X_train")
    mu = X_train.mean(axis=0)
    sigma = X_train.std(axis=0)
    # A constant column has std 0, or ~1e-16 from rounding: leave it centred, not blown up.
    sigma = np.where(sigma > 1e-12 * np.maximum(1.0, np.abs(mu)), sigma, 1.0)
    out = [(X_train - mu) / sigma]
    for i, X in enumerate(X_others, start=1):
        X = as_2d(X, f"X_others[{i - 1}]")
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(f"standardize: X_train has {X_train.shape[1]} columns but set {i} has shape {X.shape}")
        out.append((X - mu) / sigma)
    return tuple(out)


def batchnorm_forward(Z, gamma, beta, eps=1e-5, running=None, training=True, momentum=0.9):
    """Batch normalisation: out = γ ⊙ (Z − μ) / sqrt(σ² + eps) + β, per column of Z.

    training=True  : μ, σ² are the batch's column means and variances; if `running`
                     (a dict with "mean" and "var") is given, it is updated in place:
                     running ← momentum · running + (1 − momentum) · batch statistic.
    training=False : μ, σ² come from `running` (required).
    Returns (out, cache) for batchnorm_backward.
    """
    Z = as_2d(Z, "Z")
    gamma = np.asarray(gamma, dtype=float)
    beta = np.asarray(beta, dtype=float)
    k = Z.shape[1]
    if gamma.shape != (k,) or beta.shape != (k,):
        raise ValueError(f"gamma and beta must have shape ({k},) for Z of shape {Z.shape}; "
                         f"got {gamma.shape} and {beta.shape}")
    if training:
        mu = Z.mean(axis=0)
        var = Z.var(axis=0)
        if running is not None:
            running["mean"] = momentum * running.get("mean", mu) + (1 - momentum) * mu
            running["var"] = momentum * running.get("var", var) + (1 - momentum) * var
    else:
        if running is None or "mean" not in running:
            raise ValueError("batchnorm_forward(training=False) needs running statistics: "
                             "pass running={'mean': ..., 'var': ...} collected during training")
        mu, var = running["mean"], running["var"]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mu) / std
    out = gamma * Z_hat + beta
    cache = (Z_hat, gamma, std, training)
    return out, cache


def batchnorm_backward(dout, cache):
    """Gradients of batch normalisation: returns (dZ, dgamma, dbeta), dout = ∂C/∂out.

    cache is batchnorm_forward's: (Z_hat, gamma, std, training), std = sqrt(σ²_B + eps).
    Column by column, with out = γ ⊙ Z_hat + β:
        dbeta  = Σ_rows dout               (β is added to every row)
        dgamma = Σ_rows dout ⊙ Z_hat       (γ multiplies every row's Z_hat)
        dZ_hat = dout ⊙ γ
    In training mode each Z_j reaches the cost along three paths: directly through its own
    Z_hat_j = (Z_j − μ_B) / std, through the batch mean μ_B and through the batch variance σ²_B,
    which every row's Z_hat uses. With ∂C/∂σ²_B = −Σ_rows(dZ_hat ⊙ Z_hat) / (2 std²) and
    ∂C/∂μ_B = −Σ_rows dZ_hat / std, ∂μ_B/∂Z_j = 1/n and ∂σ²_B/∂Z_j = 2 (Z_j − μ_B) / n, the
    three add up to
        dZ = (n·dZ_hat − Σ_rows dZ_hat − Z_hat ⊙ Σ_rows(dZ_hat ⊙ Z_hat)) / (n·std).
    In evaluation mode μ and σ² are constants (running averages): dZ = dZ_hat / std.
    """
    Z_hat, gamma, std, training = cache
    dout = np.asarray(dout, dtype=float)
    if dout.shape != Z_hat.shape:
        raise ValueError(f"batchnorm_backward: dout has shape {dout.shape}, expected {Z_hat.shape}")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * Z_hat).sum(axis=0)
    dZ_hat = dout * gamma
    if not training:
        return dZ_hat / std, dgamma, dbeta
    n = dout.shape[0]
    dZ = (n * dZ_hat - dZ_hat.sum(axis=0) - Z_hat * (dZ_hat * Z_hat).sum(axis=0)) / (n * std)
    return dZ, dgamma, dbeta
