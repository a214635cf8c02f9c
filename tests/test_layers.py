"""Colour classes of the choropleth layers."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.outputs.layers import LAYERS, class_breaks, class_colours, class_index


def test_breaks_on_a_hand_computed_fixture():
    # quantiles of 1..9 at 1/3 and 2/3 are 11/3 and 19/3 -> 3.7 and 6.3
    assert class_breaks(range(1, 10), classes=3) == [1, 3.7, 6.3, 9]
    assert class_breaks([0.0123, 0.5, 99.4], classes=2) == [0.012, 0.5, 100]


def test_breaks_ignore_missing_values_and_degenerate_input():
    assert class_breaks([float("nan"), None, 5.0, 5.0], classes=4) == [5.0, 10.0]
    assert class_breaks([float("nan")]) == []
    assert class_breaks([], classes=3) == []


def test_class_index():
    breaks = [0, 10, 20, 30]
    assert [class_index(v, breaks) for v in (0, 9.99, 10, 29.9, 30)] == [0, 0, 1, 2, 2]
    assert class_index(float("nan"), breaks) is None
    assert class_index(-1, breaks) is None and class_index(31, breaks) is None


def test_colours_are_one_per_class_and_get_darker():
    breaks = [0, 1, 2, 3, 4]
    colours = class_colours(LAYERS["density"], breaks)
    assert len(colours) == 4 and all(c.startswith("#") and len(c) == 7 for c in colours)

    def lightness(c):
        return sum(int(c[i:i + 2], 16) for i in (1, 3, 5))

    assert [lightness(c) for c in colours] == sorted((lightness(c) for c in colours), reverse=True)


finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=60), classes=st.integers(1, 9))
def test_breaks_cover_every_value_exactly_once(values, classes):
    breaks = class_breaks(values, classes)
    assert 2 <= len(breaks) <= classes + 1
    assert all(a < b for a, b in zip(breaks, breaks[1:]))
    assert breaks[0] <= min(values) and breaks[-1] >= max(values)
    for v in values:
        i = class_index(v, breaks)
        assert i is not None and breaks[i] <= v <= breaks[i + 1]
        assert math.isfinite(breaks[i])


@pytest.mark.parametrize("key", list(LAYERS))
def test_layers_name_a_real_palette(key):
    assert len(class_colours(LAYERS[key], [0, 1, 2])) == 2
