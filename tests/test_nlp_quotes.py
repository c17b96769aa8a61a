"""Quotes and speakers on invented sentences: every mark style, partial, indirect, not-quotes."""

from __future__ import annotations

import pytest

from storyline.model import Analysis, Quote
from storyline.nlp.analyse import analyse
from storyline.nlp.marks import quote_spans


def _only(result: Analysis, starts: str) -> Quote:
    found = [q for q in result.quotes if q.text.startswith(starts)]
    assert len(found) == 1, [q.text for q in result.quotes]
    return found[0]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("‚", "‘"), ("‘", "’"), ("'", "'")],
)
def test_every_mark_style_is_a_quote(opening: str, closing: str) -> None:
    text = f"{opening}The bridge opens in May,{closing} Mayor Sarah Collins said on Monday."
    quote = _only(analyse(text, "en"), "The bridge opens in May")
    assert quote.kind == "direct"
    assert quote.speaker == "Sarah Collins"
    assert quote.cue == "said"


def test_apostrophes_are_not_quote_marks() -> None:
    text = "The ferrymen’s union didn’t sign. ‘We’re not done,’ David Miller said."
    spans = quote_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["We’re not done"]


def test_nested_quotes_stay_inside_their_outer_quote() -> None:
    text = '"We reject talk of a "crisis", or of "chaos" in the town," Maria Jensen said.'
    assert [text[s.start : s.end] for s in quote_spans(text)] == [
        'We reject talk of a "crisis", or of "chaos" in the town'
    ]


def test_speaker_is_the_fullest_name_never_a_pronoun_or_title() -> None:
    text = (
        "Harbour Minister Sarah Collins visited the docks on Friday.\n"
        "“We will rebuild the north pier first,” she said.\n"
        "“Then the ferries come back,” the minister added."
    )
    result = analyse(text, "en")
    assert {q.speaker for q in result.quotes} == {"Sarah Collins"}
    assert {q.speaker_mention for q in result.quotes} == {"she", "the minister"}
    assert all(
        text[q.speaker_start : q.speaker_end] == q.speaker_mention  # type: ignore[misc]
        for q in result.quotes
    )


def test_quote_spanning_paragraphs_and_cue_after_it() -> None:
    text = (
        "“The tide gauges failed twice in March.\n"
        "“Nobody told the pilots, and that is on us,” Maria Jensen said."
    )
    quote = _only(analyse(text, "en"), "The tide gauges failed")
    assert "Nobody told the pilots" in quote.text
    assert quote.speaker == "Maria Jensen"


def test_partial_quote_and_outlet_as_speaker() -> None:
    text = (
        'Maria Jensen described the new timetable as "a small miracle" on Tuesday.\n'
        'The plan, which Reuters called "ambitious but fragile", starts in June.'
    )
    result = analyse(text, "en")
    assert _only(result, "a small miracle").kind == "partial"
    assert _only(result, "a small miracle").speaker == "Maria Jensen"
    assert _only(result, "ambitious but fragile").speaker == "Reuters"


def test_scare_quotes_titles_and_so_called_are_not_quotes() -> None:
    text = (
        'The museum opened "Salt and Iron: Two Centuries of Shipbuilding" on Sunday.\n'
        'Critics mocked the so-called "green harbour" plan.\n'
        'Its new "modern" look drew crowds, Maria Jensen said.'
    )
    assert analyse(text, "en").quotes == () or all(
        q.kind == "indirect" for q in analyse(text, "en").quotes
    )


def test_indirect_speech_and_according_to() -> None:
    text = (
        "David Miller said that the ferry service would resume within two weeks.\n"
        "According to Maria Jensen, the repairs will cost four million crowns."
    )
    result = analyse(text, "en")
    first = _only(result, "the ferry service would resume")
    assert (first.kind, first.speaker, first.cue) == ("indirect", "David Miller", "said")
    second = _only(result, "the repairs will cost")
    assert (second.kind, second.speaker) == ("indirect", "Maria Jensen")


def test_medium_and_addressee() -> None:
    text = "“We are ready,” David Miller told the Coastal Herald in an interview."
    quote = _only(analyse(text, "en"), "We are ready")
    assert quote.medium == "the Coastal Herald"


def test_french_guillemets_and_cue() -> None:
    text = "« Nous ne céderons pas », a déclaré Mathilde Roussel, la maire de la ville."
    quote = _only(analyse(text, "fr"), "Nous ne céderons pas")
    assert quote.speaker == "Mathilde Roussel"


def test_fallback_language_finds_quotes_and_speaker() -> None:
    text = "„Wir bleiben hart“, sagte Gewerkschafterin Friederike Almqvist am Montag."
    result = analyse(text, "de")
    assert result.processor == "fallback"
    assert _only(result, "Wir bleiben hart").speaker == "Friederike Almqvist"


def test_unbalanced_marks_still_find_the_quote() -> None:
    text = 'Maria Jensen spoke first. The pier is unsafe and we knew it," she said.'
    [quote] = analyse(text, "en").quotes  # no opening mark: from the paragraph start
    assert quote.text.endswith("The pier is unsafe and we knew it")
    assert quote.speaker == "Maria Jensen"


def test_speaker_is_the_head_of_a_parenthetical_not_a_name_inside_it() -> None:
    text = (
        "Harbour Minister Sarah Collins, whose deputy David Miller resigned in May, said the "
        'ferries were "back on schedule".'
    )
    quote = _only(analyse(text, "en"), "back on schedule")
    assert quote.speaker == "Sarah Collins"


def test_indirect_speech_beside_a_partial_quote_in_one_sentence() -> None:
    text = (
        "Maria Jensen said the pier would reopen in June and that the town was "
        '"ready for visitors".'
    )
    result = analyse(text, "en")
    indirect = _only(result, "the pier would reopen in June")
    assert (indirect.kind, indirect.speaker) == ("indirect", "Maria Jensen")
    assert _only(result, "ready for visitors").kind == "partial"


def test_scare_quotes_keep_their_sentence_out_of_indirect_speech() -> None:
    text = 'Maria Jensen says her so-called "modern" timetable is no change at all.'
    assert not any("modern" in q.text for q in analyse(text, "en").quotes)


def test_pronoun_agrees_with_the_gender_of_a_given_name() -> None:
    text = (
        "Helena Varga met Prime Minister Tomas Brenner's advisers on Friday.\n"
        "“The budget stays as it is,” she said."
    )
    assert _only(analyse(text, "en"), "The budget stays").speaker == "Helena Varga"


@pytest.mark.parametrize(
    ("text", "language", "starts", "speaker"),
    [
        (
            "„Zwei Wochen Streik sind kein Zufall. Zwei Wochen sind Absicht“, sagte Jonas Brekke.",
            "de",
            "Zwei Wochen Streik sind kein Zufall",
            "Jonas Brekke",
        ),
        (
            "Die Fähren fahren ab Montag wieder nach Plan, sagte die Bürgermeisterin, "
            "Ingrid Halvorsen, am Dienstag.",
            "de",
            "Die Fähren fahren ab Montag",
            "Ingrid Halvorsen",
        ),
        (
            "«No firmaremos cualquier cosa», dijo la portavoz del sindicato, Marta Quiroga.",
            "es",
            "No firmaremos cualquier cosa",
            "Marta Quiroga",
        ),
        (
            "La alcaldesa de Puerto Viejo, Marta Quiroga, visitó el muelle.\n"
            "«Abriremos en junio», afirmó la alcaldesa.",
            "es",
            "Abriremos en junio",
            "Marta Quiroga",
        ),
        (
            "La maire, Claire Dubois, a visité le port.\n"
            "« Nous rouvrirons en juin », a dit la maire.",
            "fr",
            "Nous rouvrirons en juin",
            "Claire Dubois",
        ),
    ],
)
def test_inverted_cue_and_apposed_role_name_the_speaker(
    text: str, language: str, starts: str, speaker: str
) -> None:
    assert _only(analyse(text, language), starts).speaker == speaker


@pytest.mark.parametrize(
    ("text", "language", "starts", "speaker"),
    [
        (
            "Nach Angaben der Gewerkschaft Nordhafen streiken rund 2.000 Beschäftigte seit Montag.",
            "de",
            "streiken rund 2.000",
            "Gewerkschaft Nordhafen",
        ),
        (
            "Betroffen sind nach Angaben von Jonas Brekke drei Fähren der Reederei.",
            "de",
            "Betroffen sind nach Angaben",
            "Jonas Brekke",
        ),
        (
            "Selon Claire Dubois, les ferries reprendront leur service lundi prochain.",
            "fr",
            "les ferries reprendront",
            "Claire Dubois",
        ),
        (
            "Según Marta Quiroga, los barcos volverán a salir el lunes por la mañana.",
            "es",
            "los barcos volverán",
            "Marta Quiroga",
        ),
    ],
)
def test_according_to_in_every_language(
    text: str, language: str, starts: str, speaker: str
) -> None:
    quote = _only(analyse(text, language), starts)
    assert (quote.kind, quote.speaker) == ("indirect", speaker)


def test_german_capitalised_nouns_are_not_people() -> None:
    text = "Ende Januar kamen Zwei Monate zusammen, sagte Jonas Brekke am Montag in Nordhafen."
    people = {e.name for e in analyse(text, "de").entities if e.label == "PERSON"}
    assert people == {"Jonas Brekke"}


@pytest.mark.parametrize(
    ("text", "language", "starts"),
    [
        (
            "Three ferries were already laid up on Friday, according to harbour pilots.",
            "en",
            "Three ferries were already laid up",
        ),
        (
            "Selon plusieurs syndicalistes, la grève durera au moins une semaine.",
            "fr",
            "la grève durera",
        ),
        (
            "Según fuentes del puerto, veinte barcos esperan frente a la costa.",
            "es",
            "veinte barcos esperan",
        ),
    ],
)
def test_according_to_a_source_nobody_names(text: str, language: str, starts: str) -> None:
    quote = _only(analyse(text, language), starts)
    assert (quote.kind, quote.speaker) == ("indirect", None)


@pytest.mark.parametrize(
    ("text", "language", "starts", "speaker"),
    [
        (
            "Mayor David Miller toured the pier. His office said that the ferry would return "
            "in May.",
            "en",
            "the ferry would return",
            "David Miller",
        ),
        (
            "La maire, Claire Dubois, a visité le port. Selon son cabinet, la ville paiera les "
            "réparations du quai.",
            "fr",
            "la ville paiera",
            "Claire Dubois",
        ),
        (
            "Bürgermeisterin Ingrid Halvorsen besuchte den Hafen. Nach Angaben ihres Büros "
            "zahlt die Stadt die Reparatur.",
            "de",
            "zahlt die Stadt",
            "Ingrid Halvorsen",
        ),
    ],
)
def test_a_persons_office_speaks_for_them(
    text: str, language: str, starts: str, speaker: str
) -> None:
    assert _only(analyse(text, language), starts).speaker == speaker


@pytest.mark.parametrize(
    ("text", "language", "starts", "speaker"),
    [
        (
            "Lindholm Ferry Services cancelled three crossings. A spokeswoman said the company "
            'was "sorry for the delays".',
            "en",
            "sorry for the delays",
            "Lindholm Ferry Services",
        ),
        (
            "Die Reederei NFL strich drei Fahrten. Ein Sprecher von NFL sagte, man bedauere "
            "„jede Verspätung“.",
            "de",
            "jede Verspätung",
            "NFL",
        ),
        (
            "Nordlys Maritime GmbH cancelled three crossings. The company said the ferries "
            "would sail again on Monday.",
            "en",
            "the ferries would sail again",
            "Nordlys Maritime GmbH",
        ),
    ],
)
def test_spokespeople_and_the_company_speak_for_the_organisation(
    text: str, language: str, starts: str, speaker: str
) -> None:
    assert _only(analyse(text, language), starts).speaker == speaker


def test_a_cue_word_after_a_possessive_is_a_noun() -> None:
    text = (
        "Maria Jensen dismisses the Harbour Alliance's call for new cranes as "
        '"a wish list, not a plan".'
    )
    assert _only(analyse(text, "en"), "a wish list").speaker == "Maria Jensen"


def test_member_of_an_organisation_is_the_speaker() -> None:
    text = 'Opposition leader Maria Jensen of the Harbour Alliance said the plan was "a mirage".'
    assert _only(analyse(text, "en"), "a mirage").speaker == "Maria Jensen"


def test_interview_answer_after_a_question_and_a_quote_going_on() -> None:
    text = (
        "Maria Jensen runs the ferry company. Would she sell it? “Never. It was my father’s.”\n"
        "“We will rebuild the pier,” David Miller said. “Then the ferries come back.”\n"
        "Sarah Collins said the council agreed."
    )
    result = analyse(text, "en")
    assert _only(result, "Never").speaker == "Maria Jensen"
    assert _only(result, "Then the ferries come back").speaker == "David Miller"


def test_partial_quote_with_an_unnamed_speaker_is_kept() -> None:
    text = 'Another minister said David Miller had "a habit of vanishing before votes".'
    quote = _only(analyse(text, "en"), "a habit of vanishing")
    assert (quote.kind, quote.speaker) == ("partial", None)


def test_article_gender_picks_the_minister() -> None:
    text = (
        "Le ministre Paul Girard et la ministre des Transports Claire Dubois ont visité le port.\n"
        "La ministre, qui avait refusé tout report en mars, a assuré qu'elle restait "
        "« fidèle au calendrier »."
    )
    assert _only(analyse(text, "fr"), "fidèle au calendrier").speaker == "Claire Dubois"


def test_lentreprise_is_the_company_named_before() -> None:
    text = (
        "Nordlys Maritime Ltd a supprimé trois traversées. Selon l'entreprise, les ferries "
        "reprendront lundi prochain."
    )
    assert _only(analyse(text, "fr"), "les ferries reprendront").speaker == "Nordlys Maritime Ltd"


def test_an_unnamed_speaker_is_not_the_next_sentences_speaker() -> None:
    text = (
        "“She knew about the cracks in March,” one senior aide said.\n"
        "Mayor David Miller said the pier would stay closed."
    )
    assert _only(analyse(text, "en"), "She knew about the cracks").speaker is None


def test_german_reported_mood_goes_on_with_the_speaker_before() -> None:
    text = (
        "Die Schlichterin Ingrid Halvorsen sprach von „echter Bewegung“. Beide Seiten hätten "
        "zugesagt, am Freitag weiterzuverhandeln.\n"
        "Die Fähren fahren wieder. Beide Seiten hätten nichts gesagt."
    )
    result = analyse(text, "de")
    quote = _only(result, "Beide Seiten hätten zugesagt")
    assert (quote.kind, quote.speaker) == ("indirect", "Ingrid Halvorsen")
    assert not [q for q in result.quotes if q.text.startswith("Beide Seiten hätten nichts")]


def test_hearer_ends_before_the_reported_clause_and_dateline_is_cut() -> None:
    text = (
        "NORDHAFEN, May 3 (NWS) - The ferry will not sail before June, Mayor David Miller "
        "said on Monday.\n"
        "Maria Jensen told the Coastal Herald she had sold her shares in the company."
    )
    result = analyse(text, "en")
    assert _only(result, "The ferry will not sail").speaker == "David Miller"
    told = _only(result, "she had sold her shares")
    assert (told.speaker, told.medium) == ("Maria Jensen", "the Coastal Herald")


def test_a_described_source_speaks_for_the_name_inside_it() -> None:
    text = "Around 900 ferries are idle, according to figures David Miller gave to reporters."
    quote = _only(analyse(text, "en"), "Around 900 ferries are idle")
    assert (quote.kind, quote.speaker) == ("indirect", "David Miller")


@pytest.mark.parametrize("dash", ["―", " ― ", " — ", " – ", " - "])
def test_a_quote_signed_with_a_dash_is_said_by_the_name_after_it(dash: str) -> None:
    signed = f"“He represents our shame.”{dash}Sonya Herridge\n“I am afraid.”{dash}Pamela Padilla"
    result = analyse(f"Readers wrote in after the debate.\n{signed}. Photo: Instagram.", "en")
    assert [q.speaker for q in result.quotes] == ["Sonya Herridge", "Pamela Padilla"]


def test_words_after_the_speaker_of_a_quotation_are_not_reported_speech() -> None:
    text = "“This is in their heads,” said Tom Caddell, speaking of the voters’ worries."
    result = analyse(text, "en")
    assert [(q.text, q.kind, q.speaker) for q in result.quotes] == [
        ("This is in their heads", "direct", "Tom Caddell")
    ]


def test_two_quoted_words_before_a_comma_and_a_cue_are_speech() -> None:
    said = analyse("It ended 2-1, a result that “nobody expected,” said coach Ana Ruiz.", "en")
    assert _only(said, "nobody expected").speaker == "Ana Ruiz"
    modifier = "The “automation dividend” promised by crane makers looks smaller, Ana Ruiz said."
    assert not [q for q in analyse(modifier, "en").quotes if q.text == "automation dividend"]


@pytest.mark.parametrize(
    ("text", "starts", "speaker"),
    [
        ("“Where did the money go?” Senator David Vitter demanded.", "Where did", "David Vitter"),
        ("Donald Trump tweeted that the debate was rigged.", "the debate was", "Donald Trump"),
        ("“We will win,” Maria Lopez vowed on Sunday.", "We will win", "Maria Lopez"),
    ],
)
def test_more_verbs_of_saying(text: str, starts: str, speaker: str) -> None:
    assert _only(analyse(text, "en"), starts).speaker == speaker
