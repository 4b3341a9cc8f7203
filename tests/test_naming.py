"""The naming layer: every spec string becomes a safe, readable, distinct Python name."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.naming import (
    ClassName,
    Code,
    Identifier,
    Namespace,
    constant,
    pascal,
    snake,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("getSeatEvents", "get_seat_events"),
        ("Sequence-Version", "sequence_version"),
        ("customerIds", "customer_ids"),
        ("X-Request-ID", "x_request_id"),
        ("HTTPResponseCode", "http_response_code"),
        ("class", "class_"),
        ("self", "self_"),
        ("2fa code", "value_2fa_code"),
        ("", "value"),
        ("Ünïcödé name", "unicode_name"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert snake(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seat Events", "SeatEvents"),
        (
            "ListSeatEventsEndpointEndpointResponseModel",
            "ListSeatEventsEndpointEndpointResponseModel",
        ),
        ("sequence-version", "SequenceVersion"),
        ("HTTP error", "HttpError"),
        ("exception", "ExceptionModel"),
        ("BaseModel", "BaseModelModel"),
        ("", "Model"),
        ("404", "Model404"),
    ],
)
def test_pascal(text: str, expected: str) -> None:
    assert pascal(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-30", "V2024_07_30"),
        ("PRODUCTION", "PRODUCTION"),
        ("Sandbox env", "SANDBOX_ENV"),
        ("", "VALUE"),
    ],
)
def test_constant(text: str, expected: str) -> None:
    assert constant(text) == expected


def test_namespace_suffixes_collisions_deterministically() -> None:
    names = Namespace({"taken"})
    assert names.identifier(Identifier("limit")) == "limit"
    assert names.identifier(Identifier("limit")) == "limit_2"
    assert names.identifier(Identifier("limit")) == "limit_3"
    assert names.identifier(Identifier("taken")) == "taken_2"
    assert names.class_name(ClassName("Pet")) == "Pet"
    assert names.class_name(ClassName("Pet")) == "Pet2"


@pytest.mark.parametrize("bad", ["a b", "1a", "class", "a-b", "a\nb", "", "é"])
def test_identifier_refuses_unsafe_text(bad: str) -> None:
    with pytest.raises(ValueError):
        Identifier(bad)


@pytest.mark.parametrize("bad", ["lower", "A b", "A;B", "None"])
def test_class_name_refuses_unsafe_text(bad: str) -> None:
    with pytest.raises(ValueError):
        ClassName(bad)


@given(st.text())
def test_any_text_becomes_a_safe_identifier_and_class_name(text: str) -> None:
    for name in (snake(text), pascal(text), constant(text)):
        assert isinstance(name, Code)
        assert name.isidentifier() and name.isascii()
        assert not keyword.iskeyword(name)


def test_a_leading_sign_is_spelled_out() -> None:
    from generator.naming import constant, pascal, snake

    assert (snake("+1"), snake("-1"), snake("a-1")) == ("plus_1", "minus_1", "a_1")
    assert (constant("-1"), pascal("+1")) == ("MINUS_1", "Plus1")
