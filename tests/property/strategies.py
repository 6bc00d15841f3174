"""Hypothesis strategies shared by the property tests: JSON as the cloud might send it."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Python's json module reads NaN, Infinity and integers of any size, so a body from the
# cloud can hold them all; text may hold any character, including lone surrogates' cousins.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**15, max_value=10**400)
    | st.floats()
    | st.text(max_size=30)
)


def json_values(keys: st.SearchStrategy[str] | None = None, max_leaves: int = 25) -> Any:
    """Any JSON-like value; dictionary keys are drawn from ``keys`` or are short texts."""
    key_strategy = keys | st.text(max_size=6) if keys is not None else st.text(max_size=6)
    return st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(key_strategy, children, max_size=5)
        ),
        max_leaves=max_leaves,
    )
