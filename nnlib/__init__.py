"""nnlib: the course's small NumPy neural-network library.

Modules follow the chapters (row-batch notation: X (n, d), W (n_in, n_out), b (n_out,),
Z = A_prev @ W + b, A = g(Z)):

    activations    03  sigmoid, tanh, relu, ... and their derivatives
    neuron         02  neuron_output: one neuron, one example
    layers         04, 08  dense_forward / dense_backward
    network        04, 08  init_params, forward, backward over a list of layers
    losses         05  half_sse, mse, cross-entropies and their gradients
    optim          06, 07  gradient_descent, minibatches, sgd_step, train_epoch
    gradcheck      08  numerical_gradient, relative_error, check_gradients
    regularization 10  L1, L2, dropout, early stopping
    normalization  11  standardize, batch norm
    models         09  Dense, Sequential, fit -> History
    datasets           the lectures' tables and 2-D toy sets
    widgets            interactive explorers
    checks             the public self-checks used by the exercises
"""
from . import activations, datasets, gradcheck, layers, losses, network, normalization, optim, regularization
from .layers import dense_backward, dense_forward
from .network import backward, forward, init_params
from .models import Dense, Sequential, build_and_train
from .neuron import neuron_output

__version__ = "0.1.0"

__all__ = ["activations", "datasets", "gradcheck", "layers", "losses", "network", "normalization", "optim",
           "regularization", "dense_forward", "dense_backward", "forward", "backward", "init_params",
           "Dense", "Sequential", "build_and_train", "neuron_output"]
