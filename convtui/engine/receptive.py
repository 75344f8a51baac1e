"""The receptive field of a stack of convolution and pooling layers.

Layer ``l`` with kernel ``k``, stride ``s`` and dilation ``d`` sees ``(k-1)·d + 1`` of
its input cells; neighbouring outputs sit ``s`` input cells apart.  Counted in the
stack's input, neighbouring cells of layer ``l-1`` are ``j_{l-1}`` apart (the *jump*),
so

    r_l = r_{l-1} + (k_l - 1)·d_l·j_{l-1},    j_l = j_{l-1}·s_l,    r_0 = j_0 = 1.

A pooling layer counts exactly like a convolution with its size as the kernel.  For
one output cell, :meth:`ReceptiveField.ranges_of` walks the stack backwards through
each layer's geometry (padding included) and gives the range of cells it depends on
in every layer's input; :meth:`ReceptiveField.cells_of` gives the cells themselves
(with dilation, or a stride below a wider kernel, the range has holes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .geometry import _is_int, plan

__all__ = ["FieldRow", "ReceptiveField", "receptive_field"]

_KINDS = ("conv", "pool")


class FieldRow(NamedTuple):
    """One layer of a :class:`ReceptiveField`: its options and the totals after it.

    Every entry is an int, or a tuple with one int per axis.
    """

    kernel: int | tuple[int, ...]
    stride: int | tuple[int, ...]
    dilation: int | tuple[int, ...]
    padding: int | tuple[int, ...]
    field: int | tuple[int, ...]
    jump: int | tuple[int, ...]


def _layer_values(name: str, values, count: int | None, default: int, minimum: int) -> list:
    """One entry per layer (an int, or a tuple of ints per axis), each >= minimum."""
    if values is None:
        if count is None:
            raise ValueError(f"{name} must be a list of ints, one per layer, got None")
        return [default] * count
    if _is_int(values):
        values = [values]
    try:
        values = list(values)
    except TypeError:
        raise ValueError(
            f"{name} must be a list with one entry per layer, got {values!r}"
        ) from None
    if count is not None and len(values) != count:
        raise ValueError(
            f"{name} must have one entry per layer ({count}), got {len(values)}: {values!r}"
        )
    if not values:
        raise ValueError(f"{name} must name at least one layer, got {values!r}")
    checked = []
    for value in values:
        if _is_int(value):
            parts = (int(value),)
        else:
            try:
                parts = tuple(value)
            except TypeError:
                parts = ()
            if not parts or not all(_is_int(v) for v in parts):
                raise ValueError(
                    f"{name} must hold ints (or one int per axis), got {value!r} in {values!r}"
                )
        if any(v < minimum for v in parts):
            wanted = "not be negative" if minimum == 0 else f"be at least {minimum}"
            raise ValueError(f"{name} must {wanted}, got {value!r} in {values!r}")
        checked.append(int(value) if _is_int(value) else tuple(int(v) for v in parts))
    return checked


def _axes(value, ndim: int) -> tuple[int, ...]:
    return (value,) * ndim if isinstance(value, int) else value


def _pack(values: tuple[int, ...], per_axis: bool):
    return values if per_axis else values[0]


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field and jump of each layer of a stack; see :func:`receptive_field`."""

    layers: tuple[FieldRow, ...]
    kinds: tuple[str, ...]
    ndim: int
    per_axis: bool

    @property
    def field(self):
        """How many input cells (per axis) one output of the last layer spans."""
        return self.layers[-1].field

    @property
    def jump(self):
        """How many input cells (per axis) neighbouring outputs of the last layer are apart."""
        return self.layers[-1].jump

    def _axis(self, axis: int) -> list[tuple[int, int, int, int]]:
        """(kernel, stride, dilation, padding) of every layer along one axis."""
        return [
            tuple(_axes(value, self.ndim)[axis] for value in row[:4])  # type: ignore[misc]
            for row in self.layers
        ]

    def lengths(self, input_length):
        """The length of every layer's input, and of the last output, from the geometry.

        >>> receptive_field([3, 2], strides=[1, 2], kinds=["conv", "pool"]).lengths(10)
        (10, 8, 4)
        """
        sizes = _axes(self._input_length(input_length), self.ndim)
        per_layer = [self._axis_lengths(axis, n) for axis, n in enumerate(sizes)]
        return tuple(_pack(tuple(column), self.per_axis) for column in zip(*per_layer))

    def _input_length(self, input_length):
        if _is_int(input_length) and input_length >= 1:
            return int(input_length)
        if (
            self.per_axis
            and isinstance(input_length, tuple | list)
            and len(input_length) == self.ndim
            and all(_is_int(n) and n >= 1 for n in input_length)
        ):
            return tuple(int(n) for n in input_length)
        raise ValueError(
            f"input_length must be a positive int (or one per axis, {self.ndim}), "
            f"got {input_length!r}"
        )

    def _axis_lengths(self, axis: int, n: int) -> list[int]:
        lengths = [n]
        for number, (k, s, d, p) in enumerate(self._axis(axis), start=1):
            g = plan((lengths[-1],), (k,), "valid", flip=False, stride=s, dilation=d, padding=p)
            if g.output_shape[0] == 0:
                raise ValueError(
                    f"input_length {n} is too short: layer {number} (kernel {k}, dilation "
                    f"{d}, padding {p}) has an input of length {lengths[-1]} on axis {axis}"
                )
            lengths.append(g.output_shape[0])
        return lengths

    def _index(self, index) -> tuple[int, ...]:
        if _is_int(index):
            indexes = _axes(int(index), self.ndim)
        else:
            indexes = tuple(index) if isinstance(index, tuple | list) else ()
        if len(indexes) != self.ndim or not all(_is_int(i) for i in indexes):
            raise ValueError(
                f"index must be an int (or one int per axis, {self.ndim}), got {index!r}"
            )
        return tuple(int(i) for i in indexes)

    def _cells(self, index, input_length) -> list[list[tuple[int, ...]]]:
        """Per axis, the cells output ``index`` depends on in every layer's input, and itself."""
        indexes = self._index(index)
        sizes = (
            (None,) * self.ndim
            if input_length is None
            else _axes(self._input_length(input_length), self.ndim)
        )
        per_axis = []
        for axis, (index_on_axis, n) in enumerate(zip(indexes, sizes)):
            lengths = None if n is None else self._axis_lengths(axis, n)
            if lengths is not None and not 0 <= index_on_axis < lengths[-1]:
                raise ValueError(
                    f"index must be an output cell, 0 to {lengths[-1] - 1} on axis {axis} "
                    f"for input_length {n}; got {index_on_axis}"
                )
            current = {index_on_axis}
            cells = [(index_on_axis,)]
            for number, (k, s, d, p) in reversed(list(enumerate(self._axis(axis)))):
                # the geometry's window of each output (it reads the options, not the
                # length); a padded cell depends on nothing
                g = plan((1,), (k,), "valid", flip=False, stride=s, dilation=d, padding=p)
                current = {cell for out in current for cell in g.window(out)[0]}
                if lengths is not None:
                    current = {cell for cell in current if 0 <= cell < lengths[number]}
                cells.append(tuple(sorted(current)))
            per_axis.append(cells[::-1])
        return per_axis

    def ranges_of(self, index, input_length=None) -> tuple:
        """The range of cells output ``index`` of the last layer depends on, in every layer.

        Returns one ``(start, stop)`` per layer input, the stack's input first, and the
        output cell itself last (per axis: a tuple of those pairs).  Layer ``l`` reads
        cells ``i·s - p`` to ``i·s - p + (k-1)·d`` of its input for its output ``i``
        (the geometry's window); without ``input_length`` the ranges may reach into
        the padding (negative, or past the end); with it, only cells that exist
        count, and a range is empty, ``(0, 0)``, where only padding was read.

        >>> rf = receptive_field([3, 3], paddings=[1, 1])
        >>> rf.ranges_of(0)
        ((-2, 3), (-1, 2), (0, 1))
        >>> rf.ranges_of(0, input_length=8)
        ((0, 3), (0, 2), (0, 1))
        """
        per_axis = [
            [(cells[0], cells[-1] + 1) if cells else (0, 0) for cells in layers]
            for layers in self._cells(index, input_length)
        ]
        return tuple(_pack(tuple(column), self.per_axis) for column in zip(*per_axis))

    def inputs_of(self, index, input_length=None):
        """The range ``(start, stop)`` of input cells output ``index`` depends on.

        Per axis (a tuple of ranges) when the stack was given per-axis kernels.  See
        :meth:`ranges_of` for every layer's range.

        >>> rf = receptive_field([3, 3, 3], strides=[1, 2, 1], dilations=[1, 1, 2])
        >>> rf.inputs_of(0), rf.inputs_of(1)      # 13 cells, two apart
        ((0, 13), (2, 15))
        """
        return self.ranges_of(index, input_length)[0]

    def cells_of(self, index, input_length=None):
        """The input cells output ``index`` depends on, exactly (a sorted tuple per axis).

        With dilation, or a stride below a wider kernel, some cells inside the range
        of :meth:`inputs_of` are never read.

        >>> receptive_field([3], dilations=[2]).cells_of(0)
        (0, 2, 4)
        """
        inputs = tuple(layers[0] for layers in self._cells(index, input_length))
        return inputs if self.per_axis else inputs[0]


def receptive_field(
    kernels, strides=None, dilations=None, paddings=None, *, kinds=None
) -> ReceptiveField:
    """Receptive field and jump, layer by layer, of a stack of convolutions and poolings.

    Parameters
    ----------
    kernels : list of int, or of tuples of int (one per axis)
        Each layer's kernel (a pooling layer's size).
    strides, dilations : list, optional
        One per layer (default 1 each); a pooling layer's stride is usually its size.
    paddings : list, optional
        Cells added on both sides of each layer's input (default 0); it moves the
        cells an output depends on, not how many.
    kinds : list of {"conv", "pool"}, optional
        For the table only: pooling counts exactly like a convolution.

    Returns
    -------
    ReceptiveField
        ``.layers`` holds one :class:`FieldRow` per layer, ``.field`` and ``.jump``
        the totals.

    Examples
    --------
    >>> rf = receptive_field([3, 3, 3], strides=[1, 2, 1], dilations=[1, 1, 2])
    >>> [(row.field, row.jump) for row in rf.layers]     # 1+2·1, 3+2·1, 5+2·2·2
    [(3, 1), (5, 2), (13, 2)]
    >>> rf.field, rf.jump
    (13, 2)
    >>> receptive_field([(3, 5), 2], strides=[1, 2]).field   # per axis
    (4, 6)
    """
    kernel_list = _layer_values("kernels", kernels, None, 1, 1)
    count = len(kernel_list)
    stride_list = _layer_values("strides", strides, count, 1, 1)
    dilation_list = _layer_values("dilations", dilations, count, 1, 1)
    padding_list = _layer_values("paddings", paddings, count, 0, 0)
    if kinds is None:
        kinds = ("conv",) * count
    kinds = tuple(kinds)
    if len(kinds) != count or any(kind not in _KINDS for kind in kinds):
        raise ValueError(f"kinds must be 'conv' or 'pool', one per layer ({count}), got {kinds!r}")
    everything = kernel_list + stride_list + dilation_list + padding_list
    ndims = {len(v) for v in everything if isinstance(v, tuple)}
    if len(ndims) > 1:
        raise ValueError(
            f"kernels, strides, dilations and paddings must have the same number of axes "
            f"in every tuple, got {sorted(ndims)}"
        )
    per_axis = bool(ndims)
    ndim = ndims.pop() if ndims else 1
    field, jump = (1,) * ndim, (1,) * ndim
    rows = []
    for k, s, d, p in zip(kernel_list, stride_list, dilation_list, padding_list):
        ks, ss, ds = _axes(k, ndim), _axes(s, ndim), _axes(d, ndim)
        field = tuple(r + (kk - 1) * dd * j for r, kk, dd, j in zip(field, ks, ds, jump))
        jump = tuple(j * st for j, st in zip(jump, ss))
        rows.append(FieldRow(k, s, d, p, _pack(field, per_axis), _pack(jump, per_axis)))
    return ReceptiveField(tuple(rows), kinds, ndim, per_axis)
