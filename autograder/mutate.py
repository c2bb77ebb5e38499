"""Mutants of one function: the small bugs a student makes, produced automatically from its source.

    for mutant in mutants(nnlib.activations.sigmoid):
        print(mutant)                  # activations.py:42 [sign] -Z -> Z
        wrong_sigmoid = mutant.build()

A mutant is the function's source with exactly one change. The kinds of change (`KINDS`):

    operator      + <-> -, * <-> /, @ -> *, ** -> *, // -> /, and += <-> -=, *= <-> /=
    sign          -x -> x, a - b -> b - a, a constant c -> -c
    transpose     X.T -> X, and A @ B -> A.T @ B or A @ B.T
    axis          axis=0 <-> axis=1, axis removed, keepdims added or flipped
    drop term     a + b -> a or b (likewise for -, *, /, @), f(x) -> x, dtype=float left out
    off by one    a slice's ends, an index, range(...)'s bounds moved by one
    constant      0 -> 1 or -1, 1 -> 2 or 0, 2 -> 1 or 3, 0.5 -> 1 or 0.25, c -> 2c or -c; True <-> False
    comparison    < <-> <=, > <-> >=, < <-> >, == <-> !=; `and` <-> `or`; `not x` -> x
    function      np.sum <-> np.mean, max <-> min, maximum -> minimum or max, var <-> std, ...
    variable      a variable read replaced by another (the first parameter, or the closest name)
    order         return a, b, ... -> return b, a, ...
    return input  return <result> -> return <the first or second argument>

Input validation is left alone: a guard `if ...: raise ...`, a `raise`, strings and f-strings and
calls to warnings.warn are never mutated, since mutants there only change which bad input is
refused, and the hidden tests draw good input.

Why not mutmut or cosmic-ray: both mutate a whole project on disk and run a test command per
mutant; here we need the mutants of one function, in memory, with NumPy-specific changes
(transposes, axes, reductions), graded in-process by the exercise's hidden checks.
"""
from __future__ import annotations

import ast
import copy
import difflib
import inspect
import textwrap
from dataclasses import dataclass
from typing import Callable

KINDS = ("operator", "sign", "transpose", "axis", "drop term", "off by one", "constant",
         "comparison", "function", "variable", "order", "return input")

_OPERATOR_SWAPS = {
    ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
    ast.MatMult: [ast.Mult], ast.Pow: [ast.Mult], ast.FloorDiv: [ast.Div],
}
_COMPARISON_SWAPS = {
    ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt, ast.GtE], ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt, ast.LtE], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot], ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In],
}
# np.<name>, X.<name>() or a builtin <name>(): the function a student confuses it with.
_FUNCTION_SWAPS = {
    "sum": ["mean"], "mean": ["sum"], "max": ["min"], "min": ["max"], "maximum": ["minimum", "max"],
    "minimum": ["maximum", "min"], "var": ["std"], "std": ["var"], "zeros_like": ["ones_like"],
    "ones_like": ["zeros_like"], "argmax": ["argmin"], "argmin": ["argmax"],
}
_BUILTIN_NO_SWAP = {"sum", "mean", "var", "std"}   # sum(...) has no builtin partner


@dataclass(frozen=True)
class Mutant:
    """One changed copy of a function: where (file and line), what changed, and the new source."""

    kind: str
    filename: str
    line: int
    original: str
    mutated: str
    source: str            # the whole mutated function (dedented, decorators removed)
    name: str              # the function's name
    namespace: dict        # the globals the original function runs in (its module's)

    def __str__(self):
        return f"{self.filename}:{self.line} [{self.kind}] {self.original} -> {self.mutated}"

    def build(self) -> Callable:
        """Compile the mutant in a copy of the original's module globals and return it."""
        namespace = dict(self.namespace)
        exec(compile(self.source, f"<mutant of {self.name}: {self}>", "exec"), namespace)
        return namespace[self.name]


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _num(value) -> ast.expr:
    """An AST literal for a number (negative numbers as -(c), which unparse writes as -c)."""
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _plus(node: ast.expr, delta: int) -> ast.expr:
    """node + delta (folded when node is an integer literal)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return _num(node.value + delta)
    op = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(copy.deepcopy(node), op, ast.Constant(abs(delta)))


def _constant_changes(value) -> list:
    """The values a number (or a bool) in the source is changed to."""
    if isinstance(value, bool):
        return [not value]
    if not isinstance(value, (int, float)):
        return []
    table = {0: [1, -1], 1: [2, 0], 2: [1, 3], 0.5: [1.0, 0.25]}
    if value in table:
        changes = table[value]
    else:
        changes = [value * 2, -value]
    return [type(value)(c) for c in changes if c != value]


def _is_guard(node: ast.stmt) -> bool:
    """`if <bad input>: raise ...` (input validation)."""
    return (isinstance(node, ast.If) and not node.orelse
            and all(isinstance(s, ast.Raise) for s in node.body))


def _is_warning(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, (ast.Attribute, ast.Name))
            and getattr(node.value.func, "attr", getattr(node.value.func, "id", "")) == "warn")


def _untouchable(function: ast.FunctionDef) -> set:
    """ids of the nodes no mutation may change: the docstring, validation, messages."""
    skip = set()

    def cover(node):
        for sub in ast.walk(node):
            skip.add(id(sub))

    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        cover(body[0])
    for node in ast.walk(function):
        if isinstance(node, ast.Raise) or _is_guard(node) or _is_warning(node):
            cover(node)
        elif isinstance(node, (ast.JoinedStr, ast.Assert)):
            cover(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            skip.add(id(node))
        elif isinstance(node, ast.keyword) and node.arg in ("layer", "stacklevel", "name"):
            cover(node)
    return skip


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _changes(node: ast.AST, function: ast.FunctionDef) -> list:
    """[(kind, replacement node), ...]: every single change this mutator makes at `node`."""
    out = []
    if isinstance(node, ast.BinOp):
        for new_op in _OPERATOR_SWAPS.get(type(node.op), []):
            out.append(("operator", ast.BinOp(copy.deepcopy(node.left), new_op(), copy.deepcopy(node.right))))
        if isinstance(node.op, ast.Sub):
            out.append(("sign", ast.BinOp(copy.deepcopy(node.right), ast.Sub(), copy.deepcopy(node.left))))
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult)):
            out.append(("drop term", copy.deepcopy(node.left)))
            out.append(("drop term", copy.deepcopy(node.right)))
        if isinstance(node.op, ast.MatMult):
            for side in ("left", "right"):
                operand = getattr(node, side)
                if isinstance(operand, ast.Attribute) and operand.attr == "T":
                    continue            # removing that .T is the other transpose mutation
                new = copy.deepcopy(node)
                setattr(new, side, ast.Attribute(copy.deepcopy(operand), "T", ast.Load()))
                out.append(("transpose", new))
    elif isinstance(node, ast.AugAssign):
        swaps = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
        if type(node.op) in swaps:
            new = copy.deepcopy(node)
            new.op = swaps[type(node.op)]()
            out.append(("operator", new))
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            out.append(("sign", copy.deepcopy(node.operand)))
        elif isinstance(node.op, ast.Not):
            out.append(("comparison", copy.deepcopy(node.operand)))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for new_op in _COMPARISON_SWAPS.get(type(node.ops[0]), []):
            out.append(("comparison", ast.Compare(copy.deepcopy(node.left), [new_op()],
                                                  copy.deepcopy(node.comparators))))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append(("comparison", ast.BoolOp(other, copy.deepcopy(node.values))))
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        out.append(("transpose", copy.deepcopy(node.value)))
    elif isinstance(node, ast.Call):
        out += _call_changes(node)
    elif isinstance(node, ast.Subscript):
        out += _subscript_changes(node)
    elif isinstance(node, ast.Constant):
        for value in _constant_changes(node.value):
            kind = "sign" if (not isinstance(value, bool) and value == -node.value) else "constant"
            out.append((kind, _num(value) if not isinstance(value, bool) else ast.Constant(value)))
    elif isinstance(node, ast.Return) and node.value is not None:
        value = node.value
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
            elts = copy.deepcopy(value.elts)
            elts[0], elts[1] = elts[1], elts[0]
            out.append(("order", ast.Return(ast.Tuple(elts, ast.Load()))))
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(function))
        for param in [] if generator else params[:2]:
            if not (isinstance(value, ast.Name) and value.id == param):
                out.append(("return input", ast.Return(ast.Name(param, ast.Load()))))
    return out


def _call_changes(node: ast.Call) -> list:
    out = []
    name = _call_name(node)
    func = node.func
    builtin = isinstance(func, ast.Name)
    for partner in [] if builtin and name in _BUILTIN_NO_SWAP else _FUNCTION_SWAPS.get(name, []):
        new = copy.deepcopy(node)
        if isinstance(new.func, ast.Attribute):
            new.func.attr = partner
        elif partner not in _BUILTIN_NO_SWAP:
            new.func.id = partner
        else:
            continue
        out.append(("function", new))
    # f(x) -> x (a step forgotten): one positional argument, or a method call with no argument
    if len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred) \
            and name not in ("range", "len", "enumerate", "zip", "reversed", "list", "tuple"):
        out.append(("drop term", copy.deepcopy(node.args[0])))
    elif isinstance(func, ast.Attribute) and name in ("astype", "copy", "ravel", "flatten", "item"):
        out.append(("drop term", copy.deepcopy(func.value)))
    # axis and keepdims (and a conversion's dtype=float forgotten)
    keywords = {k.arg: k for k in node.keywords}
    if "dtype" in keywords and name in ("asarray", "array", "astype", "zeros", "ones", "full"):
        new = copy.deepcopy(node)
        del new.keywords[node.keywords.index(keywords["dtype"])]
        out.append(("drop term", new))
    if "axis" in keywords:
        index = node.keywords.index(keywords["axis"])
        axis = keywords["axis"].value
        values = []
        if isinstance(axis, ast.Constant) and type(axis.value) is int:
            values = [1 - axis.value if axis.value in (0, 1) else 0]
        elif isinstance(axis, ast.UnaryOp) and isinstance(axis.operand, ast.Constant):
            values = [0]
        elif isinstance(axis, ast.Constant) and axis.value is None:
            values = [0]
        for value in values:
            new = copy.deepcopy(node)
            new.keywords[index].value = _num(value)
            out.append(("axis", new))
        new = copy.deepcopy(node)
        del new.keywords[index]
        out.append(("axis", new))
        if "keepdims" not in keywords:
            new = copy.deepcopy(node)
            new.keywords.append(ast.keyword("keepdims", ast.Constant(True)))
            out.append(("axis", new))
    if "keepdims" in keywords and isinstance(keywords["keepdims"].value, ast.Constant):
        index = node.keywords.index(keywords["keepdims"])
        new = copy.deepcopy(node)
        new.keywords[index].value = ast.Constant(not keywords["keepdims"].value.value)
        out.append(("axis", new))
    # range(...): bounds moved by one
    if name == "range" and isinstance(func, ast.Name) and node.args:
        if len(node.args) == 1:
            stop = node.args[0]
            out.append(("off by one", ast.Call(func, [_plus(stop, -1)], [])))
            out.append(("off by one", ast.Call(func, [ast.Constant(1), copy.deepcopy(stop)], [])))
        else:
            for position, delta in ((0, 1), (1, -1)):
                args = copy.deepcopy(node.args)
                args[position] = _plus(args[position], delta)
                out.append(("off by one", ast.Call(copy.deepcopy(func), args, [])))
    return out


def _subscript_changes(node: ast.Subscript) -> list:
    out = []
    index = node.slice
    if isinstance(index, ast.Slice) and index.step is None:
        for end, deltas in (("upper", (1, -1)), ("lower", (1,))):
            bound = getattr(index, end)
            if bound is None:
                continue
            for delta in deltas:
                new = copy.deepcopy(node)
                setattr(new.slice, end, _plus(bound, delta))
                out.append(("off by one", new))
    elif isinstance(index, ast.Constant) and type(index.value) is int:
        for delta in (1, -1):
            if index.value + delta >= 0 or index.value < 0:
                new = copy.deepcopy(node)
                new.slice = _num(index.value + delta)
                out.append(("off by one", new))
    return out


def _skip_constant(node: ast.Constant, parents: dict) -> bool:
    """Constants that other kinds already change, or that are indices, slice bounds or axes."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.keyword) and parent.arg in ("axis", "keepdims"):
        return True
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    return isinstance(parent, ast.Slice)


def _parents(tree: ast.AST) -> dict:
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _replace(tree: ast.AST, target: ast.AST, new: ast.AST) -> None:
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            if value is target:
                setattr(node, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = new
                        return
    raise LookupError("node to mutate not found")


def mutants(function: Callable) -> list:
    """Every mutant of `function` (a plain Python function with source), in source order."""
    lines, first_line = inspect.getsourcelines(function)
    filename = inspect.getsourcefile(function) or "<unknown>"
    short_name = "/".join(filename.replace("\\", "/").split("/")[-2:])
    return mutants_of_source("".join(lines), function.__name__, short_name, first_line,
                             function.__globals__)


def mutants_of_source(source: str, name: str, filename: str, first_line: int,
                      namespace: dict) -> list:
    """Every mutant of the function `name` defined in `source` (which may hold other code;
    its line 1 is line `first_line` of `filename`); a mutant runs in a copy of `namespace`."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    definitions = [node for node in tree.body
                   if isinstance(node, ast.FunctionDef) and node.name == name]
    if not definitions:
        raise LookupError(f"no def {name}(...) in {filename}")
    tree = ast.Module(body=[definitions[-1]], type_ignores=[])
    definition = tree.body[0]
    definition.decorator_list = []
    skip = _untouchable(definition)
    parents = _parents(definition)
    found, seen = [], {ast.unparse(tree)}
    for position, node in enumerate(ast.walk(definition)):
        if id(node) in skip or node is definition:
            continue
        if isinstance(node, ast.Constant) and _skip_constant(node, parents):
            continue
        for kind, new in _changes(node, definition) + _variable_changes(node, definition, parents):
            mutated_tree = copy.deepcopy(tree)
            target = list(ast.walk(mutated_tree.body[0]))[position]
            ast.copy_location(new, node)
            _replace(mutated_tree, target, new)
            ast.fix_missing_locations(mutated_tree)
            try:
                mutated_source = ast.unparse(mutated_tree)
                compile(mutated_source, "<mutant>", "exec")
            except (SyntaxError, ValueError, TypeError):
                continue
            if mutated_source in seen:
                continue
            seen.add(mutated_source)
            original = ast.get_source_segment(source, node) or ast.unparse(node)
            found.append(Mutant(kind, filename, first_line + getattr(node, "lineno", 1) - 1,
                                _short(original), _short(ast.unparse(new)), mutated_source,
                                name, namespace))
    found.sort(key=lambda m: m.line)
    return found


def _variables(function: ast.FunctionDef) -> list:
    """The function's parameters, then its local variables in the order they are assigned."""
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def _variable_changes(node: ast.AST, function: ast.FunctionDef, parents: dict) -> list:
    """A variable read replaced by another of the function's variables (X for A, dA for dZ):
    the function's first parameter, and the variable whose name is closest."""
    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
        return []
    parent = parents.get(id(node))
    if isinstance(parent, ast.Call) and parent.func is node:
        return []
    names = _variables(function)
    if node.id not in names or node.id.startswith("_") or node.id == "self":
        return []
    others = [n for n in names if n != node.id and n != "_"]
    if not others:
        return []
    chosen = [others[0]] if names[0] != node.id else []
    close = difflib.get_close_matches(node.id, [n for n in others if n not in chosen], n=1, cutoff=0.0)
    chosen += close
    return [("variable", ast.Name(name, ast.Load())) for name in chosen]


def select(all_mutants: list, cap: int) -> list:
    """At most `cap` mutants, chosen deterministically: every kind in turn (KINDS order), each
    kind's mutants in source order, so every kind present is represented."""
    by_kind = {kind: [m for m in all_mutants if m.kind == kind] for kind in KINDS}
    chosen = []
    while len(chosen) < min(cap, len(all_mutants)):
        for kind in KINDS:
            if by_kind[kind] and len(chosen) < cap:
                chosen.append(by_kind[kind].pop(0))
    return sorted(chosen, key=lambda m: (m.line, KINDS.index(m.kind)))
