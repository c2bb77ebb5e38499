"""Interactive explorers for the chapters (live in Jupyter/Colab, a frame player in the book).

Building blocks (see explorer.py for how to write a new explorer):
    Explorer                 controls + setup(fig) + draw(state, **values)
    Slider, Choice, Toggle   the control specifications

Explorers, by chapter:
    representation_explorer  01  a ring in Cartesian vs polar coordinates, a movable straight line
    neuron_explorer          02  one neuron, z = w1·x1 + w2·x2 + b; the plane shaded by g(z)
    activation_explorer      03  g and g' side by side; stacking k linear vs non-linear layers
    network_explorer         04  a small network with every node's value as the inputs move
    fit_by_hand_explorer     05  one neuron fitted by hand to the study-hours table; the loss surface
    descent_explorer         06  gradient descent on a 1-D and a 2-D cost; learning rate, start, steps
    batch_size_explorer      07  batch, stochastic and mini-batch paths and loss curves
    backprop_stepper         08  a 2-2-1 network: forward values, then each δ and ∂C/∂w, then steps
    overfitting_explorer     10  a wide network on a few noisy sine points; L1/L2, dropout, early stopping
    scaling_explorer         11  feature scaling: elongated vs round contours, zig-zag vs direct descent
    batchnorm_comparison     11  the same network trained with and without batch normalisation
    playground               09, 10  TensorFlow Playground's features, driven by nnlib, and more

When the book's build executes a chapter (NNLIB_PLAYER=full), importing this package also makes
the chapter's static figures SVG (style.use_book_style): sharp on phones.
"""
from .activation import activation_explorer
from .backprop_view import backprop_stepper
from .batch_size import batch_size_explorer
from .descent import descent_explorer
from .explorer import Choice, Explorer, Slider, Toggle
from .fit_by_hand import fit_by_hand_explorer
from .network_view import network_explorer
from .neuron import neuron_explorer
from .overfitting import overfitting_explorer
from .playground import Playground, playground
from .representation import representation_explorer
from .scaling import batchnorm_comparison, scaling_explorer
from .explorer import player_mode as _player_mode
from .style import use_book_style

if _player_mode() == "full":  # the book's build (see explorer.player_mode and style.py)
    use_book_style()

__all__ = ["Explorer", "Slider", "Choice", "Toggle", "representation_explorer", "neuron_explorer",
           "activation_explorer", "network_explorer", "fit_by_hand_explorer", "descent_explorer",
           "batch_size_explorer", "backprop_stepper", "overfitting_explorer", "scaling_explorer",
           "batchnorm_comparison", "Playground", "playground", "use_book_style"]
