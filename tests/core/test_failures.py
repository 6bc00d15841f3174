"""Every cloud error lands on a reason the person can act on, and every reason has words."""

from __future__ import annotations

import inspect

import pytest

from bot.core.failures import Failure, failure_of
from bot.i18n import SUPPORTED_LOCALES, Catalogs
from bot.nemo import errors
from bot.telegram.texts.failures import explain

# Errors the person can do nothing about beyond "try again": the generic sentence.
GENERIC = {errors.NemoError, errors.NemoAPIError, errors.ClientIdRequired}
ERROR_CLASSES = [
    member
    for _, member in inspect.getmembers(errors, inspect.isclass)
    if issubclass(member, errors.NemoError)
]


def _instance(kind: type[errors.NemoError]) -> errors.NemoError:
    error = kind.__new__(kind)
    Exception.__init__(error, "test")
    return error


@pytest.mark.parametrize("kind", ERROR_CLASSES, ids=lambda kind: kind.__name__)
def test_every_error_class_has_a_reason(kind):
    reason = failure_of(_instance(kind))
    assert (reason is Failure.UNKNOWN) == (kind in GENERIC)


def test_a_dropped_stream_is_the_cloud_unreachable():
    assert failure_of(_instance(errors.StreamDropped)) is Failure.UNREACHABLE


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_reason_is_explained_in_its_own_words(locale):
    tr = Catalogs().translator(locale)
    sentences = [explain(reason, tr) for reason in Failure]
    assert all(sentences)
    assert len(set(sentences)) == len(Failure)
