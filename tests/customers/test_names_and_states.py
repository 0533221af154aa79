"""What the clerk typed in the search box becomes name fields in proper case (decision 0371); a US state's
name, code or picker label becomes its code, and nothing else does (decision 0373)."""

from __future__ import annotations

import pytest

from pos_app.customers.names import proper_case, split_typed_name
from pos_app.customers.us_states import US_STATES, label, state_code


@pytest.mark.parametrize("typed, first, last", [
    ("luis garcia", "Luis", "Garcia"),
    ("LUIS GARCIA", "Luis", "Garcia"),
    ("  luis   garcia ", "Luis", "Garcia"),
    ("garcia, luis", "Luis", "Garcia"),
    ("mary mcdonald", "Mary", "McDonald"),
    ("sean o'brien", "Sean", "O'Brien"),
    ("sean o’brien", "Sean", "O’Brien"),
    ("tony d'angelo", "Tony", "D'Angelo"),
    ("maria de la cruz", "Maria", "de la Cruz"),
    ("de la cruz", "", "de la Cruz"),
    ("de la cruz, maria", "Maria", "de la Cruz"),
    ("ludwig van beethoven", "Ludwig", "van Beethoven"),
    ("van morrison", "Van", "Morrison"),
    ("ana garcia-lopez", "Ana", "Garcia-Lopez"),
    ("luis garcia jr", "Luis", "Garcia Jr"),
    ("henry ford ii", "Henry", "Ford II"),
    ("john e smith", "John", "E Smith"),
    ("élodie dupré", "Élodie", "Dupré"),
    ("garcia", "", "Garcia"),
    ("DeAndre jordan", "DeAndre", "Jordan"),   # typed in mixed case: kept
    ("Ronald MacDonald", "Ronald", "MacDonald"),
    ("angus macdonald", "Angus", "Macdonald"),  # Mac is not guessed at (Mack, Macy, Machado)
])
def test_typed_names_come_out_in_proper_case(typed, first, last):
    assert split_typed_name(typed) == (first, last)


def test_proper_case_keeps_mixed_case_words_and_spacing():
    assert proper_case("luis  McDonald-smith") == "Luis  McDonald-smith"
    assert proper_case("") == "" and split_typed_name("   ") == ("", "")


@pytest.mark.parametrize("typed, code", [
    ("CO", "CO"), ("co", "CO"), ("Colorado", "CO"), ("colorado", "CO"), ("  new   york ", "NY"),
    ("District of Columbia", "DC"), ("Washington, D.C.", "DC"), ("Washington", "WA"), ("Colorado (CO)", "CO"),
    ("(co)", "CO"), ("Puerto Rico", "PR"), ("Armed Forces Europe", "AE"),
    ("Colorad", None), ("Co.", None), ("XX", None), ("Colorado (NY)", None), ("", None), (None, None),
    ("Ontario", None),
])
def test_state_code_reads_codes_names_and_labels_and_never_cuts(typed, code):
    assert state_code(typed) == code


def test_every_label_reads_back_as_its_code():
    assert len(US_STATES) == 59
    for code in US_STATES:
        assert state_code(label(code)) == code and state_code(US_STATES[code]) == code
