"""Chapter 01 explorer: the same data in two representations, and one straight line.

The data: nnlib.datasets.circle, a disc of points ("inside") within a ring ("outside").
A point has Cartesian coordinates u = (x1, x2) and polar coordinates u = (θ, r), with
r = √(x1² + x2²) and θ = atan2(x2, x1). The rule is a straight line in the chosen view:

    predict "outside" where  n·u > c,   n = (cos φ, sin φ)      (else "inside")

What the reader sees
* left:  the Cartesian plane (x1, x2);  right: the polar plane, θ across and r up.
* In the chosen view the rule is a straight line (black) with its normal n (arrow); in the
  other view the same rule is drawn as well, where it is a curve: a line r = c in polar
  coordinates is a circle in the plane. The half-planes are shaded by the class they predict,
  the points coloured by their true class, and the title gives the rule's accuracy.
* No line separates the classes in Cartesian coordinates (about 65 % at best); in polar
  coordinates the horizontal line r = 3 (φ = 90°, c = 3) is right on every point.
"""
import numpy as np

from .. import datasets
from .explorer import Choice, Explorer, Slider

VIEWS = ("Cartesian (x1, x2)", "polar (θ, r)")
INSIDE, OUTSIDE = "#2166ac", "#c0392b"      # point colours: disc blue, ring red
SHADE = ("#d1e5f0", "#fddbc7")              # light blue = predicted inside, light red = outside
LIM, R_MAX = 5.6, 5.6                       # Cartesian square [-LIM, LIM]², polar r in [0, R_MAX]


def to_polar(X):
    """(x1, x2) per row -> (θ, r) per row, θ = atan2(x2, x1) in [-π, π], r = √(x1² + x2²)."""
    X = np.asarray(X, dtype=float)
    return np.column_stack([np.arctan2(X[:, 1], X[:, 0]), np.hypot(X[:, 0], X[:, 1])])


def to_cartesian(U):
    """(θ, r) per row -> (x1, x2) = (r cos θ, r sin θ) per row."""
    U = np.asarray(U, dtype=float)
    return np.column_stack([U[:, 1] * np.cos(U[:, 0]), U[:, 1] * np.sin(U[:, 0])])


def line_rule(U, phi, c):
    """The straight-line rule in coordinates U (n, 2): True ("outside") where n·u > c."""
    phi = np.deg2rad(phi)
    return U[:, 0] * np.cos(phi) + U[:, 1] * np.sin(phi) > c


def representation_explorer(view=VIEWS[0], phi=90, c=3.0, n=200, seed=0):
    """A view drop-down and sliders for the line's normal angle φ (degrees) and offset c.

    The data are datasets.circle(n, seed=seed); class "outside" is the ring. Returns an Explorer."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}; got view={view!r}")
    if not 0 <= phi <= 355:
        raise ValueError(f"phi must lie in [0, 355] degrees; got phi={phi!r}")
    if not 0 <= c <= 5:
        raise ValueError(f"c must lie in [0, 5]; got c={c!r}")
    X, y = datasets.circle(n=n, seed=seed)
    outside = y.ravel() == 0                        # circle() labels the disc 1 and the ring 0
    coords = {VIEWS[0]: X, VIEWS[1]: to_polar(X)}
    t = np.linspace(-1, 1, 181)
    cart_grid = np.column_stack([a.ravel() for a in np.meshgrid(LIM * t, LIM * t)])
    polar_grid = np.column_stack([a.ravel() for a in np.meshgrid(np.pi * t, R_MAX * (t + 1) / 2)])
    grids = {VIEWS[0]: cart_grid, VIEWS[1]: polar_grid}  # each panel's pixels, in its own coordinates
    convert = {VIEWS[0]: to_cartesian, VIEWS[1]: to_polar}  # (other view) -> this view

    def setup(fig):
        from matplotlib.colors import ListedColormap

        gs = fig.add_gridspec(1, 2, width_ratios=[1, 1.1], left=0.06, right=0.98, bottom=0.14,
                              top=0.8, wspace=0.22)
        state = {"axes": {}, "image": {}, "line": {}}
        for i, (v, extent) in enumerate(zip(VIEWS, [(-LIM, LIM, -LIM, LIM), (-np.pi, np.pi, 0, R_MAX)])):
            ax = fig.add_subplot(gs[i])
            state["image"][v] = ax.imshow(np.zeros((181, 181)), extent=extent, origin="lower",
                                          cmap=ListedColormap(SHADE), vmin=0, vmax=1, aspect="equal")
            U = coords[v]
            for mask, colour, label in ((~outside, INSIDE, "inside (disc)"), (outside, OUTSIDE, "outside (ring)")):
                ax.scatter(*U[mask].T, s=9, color=colour, linewidth=0, label=label)
            (state["line"][v],) = ax.plot([], [], color="black", lw=2)
            ax.set(xlim=extent[:2], ylim=extent[2:])
            state["axes"][v] = ax
        ax_c, ax_p = state["axes"][VIEWS[0]], state["axes"][VIEWS[1]]
        ax_c.set(xlabel="x1", ylabel="x2")
        ax_p.set(xlabel="θ (radians)", ylabel="r")
        ax_p.set_xticks(np.pi * np.array([-1, -0.5, 0, 0.5, 1]), ["−π", "−π/2", "0", "π/2", "π"])
        fig.legend(*ax_c.get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0.93),
                   ncol=2, fontsize=9, frameon=False, markerscale=1.5)
        state["arrow"] = {v: state["axes"][v].annotate(
            "n", xy=(0, 0), xytext=(0, 0), fontsize=10, fontweight="bold", ha="center", va="center",
            arrowprops=dict(arrowstyle="<|-", color="black", lw=1.4, shrinkA=7)) for v in VIEWS}
        state["title"] = fig.suptitle("", fontsize=11, y=0.99)
        return state

    def draw(state, view, phi, c):
        other = VIEWS[1 - VIEWS.index(view)]
        normal = np.array([np.cos(np.deg2rad(phi)), np.sin(np.deg2rad(phi))])
        # Shading: the rule evaluated at every pixel, converted to the view where it is a line.
        for v in VIEWS:
            U = grids[v] if v == view else convert[view](grids[v])
            state["image"][v].set_array(line_rule(U, phi, c).reshape(181, 181).astype(float))
        # The boundary n·u = c: points c·n + s·n⊥ along the line, drawn in both panels.
        s = np.linspace(-3 * LIM, 3 * LIM, 4001)
        P = c * normal + s[:, None] * np.array([-normal[1], normal[0]])
        if view == VIEWS[1]:
            P = P[(P[:, 1] >= 0) & (np.abs(P[:, 0]) <= np.pi)]   # polar points must have r >= 0
        Q = convert[other](P)
        if other == VIEWS[1]:                                   # break the curve where θ wraps around
            Q[1:][np.abs(np.diff(Q[:, 0])) > np.pi] = np.nan
        state["line"][view].set_data(*P.T)
        state["line"][other].set_data(*Q.T)
        state["line"][view].set_linestyle("-")
        state["line"][other].set_linestyle("--")
        # The arrow n from the foot of the line, in the line's view only.
        foot = c * normal
        state["arrow"][view].xy = tuple(foot)
        state["arrow"][view].set_position(tuple(foot + 1.4 * normal))
        state["arrow"][view].set_visible(True)
        state["arrow"][other].set_visible(False)
        for v in VIEWS:
            kind = "the line n·u = c" if v == view else "the same rule (dashed): a curve"
            state["axes"][v].set_title(f"{v.split()[0]}: {kind}", fontsize=9)
        accuracy = np.mean(line_rule(coords[view], phi, c) == outside)
        state["title"].set_text(f"Line in {view.split()[0]} coordinates, \"outside\" where n·u > c "
                                f"(φ = {phi:g}°, c = {c:g}):   accuracy {100 * accuracy:.1f} %")
        state["accuracy"] = accuracy

    controls = {
        "view": Choice(VIEWS, view, label="line drawn in"),
        "phi": Slider(0, 355, 5, phi, label="φ (normal, °)", static_step=90),
        "c": Slider(0.0, 5.0, 0.1, float(c), label="offset c", static_step=1.0),
    }
    return Explorer(controls, draw, setup, figsize=(8.6, 4), max_frames=48, dpi=80,
                    title="One straight line, two representations of the same points")
