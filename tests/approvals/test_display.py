"""How a tool call reads in the queue and on the confirmation page (pure functions)."""

from approvals.display import action_summary, call_summary, calls_have_hidden_controls, controls_escaped


def call(arguments: dict, tool: str = "issue_gift_card") -> dict:
    return {"tool_name": tool, "arguments": arguments}


def test_values_are_json_so_a_string_cannot_pass_for_an_argument():
    disguised = call({"amount": 4999, "note": "amount=5.00"})

    assert call_summary(disguised) == 'issue_gift_card(amount=4999, note="amount=5.00")'


def test_a_name_that_is_not_plain_is_quoted_too():
    assert call_summary(call({"amount=5.00, note": "x"})) == 'issue_gift_card("amount=5.00, note"="x")'


def test_the_list_shows_three_arguments_cut_and_the_whole_form_every_argument_in_full():
    long = "y" * 80
    many = call({"a": 1, "b": 2, "c": long, "d": 4})

    assert call_summary(many) == f'issue_gift_card(a=1, b=2, c="{"y" * 38}…, …)'
    assert call_summary(many, whole=True) == f'issue_gift_card(a=1, b=2, c="{long}", d=4)'
    assert action_summary([many, call({}, "lookup_order")]).endswith(" + 1 more")


def test_bidirectional_and_invisible_characters_are_written_out_and_flagged():
    tricky = call({"note": "refund \u202e00.5$\u202c", "memo": "a\u2066b\u2069\u200bc"})

    assert call_summary(tricky, whole=True) == (
        'issue_gift_card(note="refund \\u202e00.5$\\u202c", memo="a\\u2066b\\u2069\\u200bc")'
    )
    assert calls_have_hidden_controls([tricky])
    assert not calls_have_hidden_controls([call({"note": "plain, and ünïcödé"})])
    assert controls_escaped("\u061c\u200e\u200f\ufeff") == "\\u061c\\u200e\\u200f\\ufeff"
