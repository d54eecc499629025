"""Glossaries on the real engines: Apertium on real sentences keeps do-not-translate terms
verbatim and uses forced translations; a text whose placeholder an engine loses (the tiny random
NLLB loses every one) is translated again without the glossary and reported."""

from dubbing_core.glossary import GlossaryTerm, applied_terms, protect, restore
from resources.translation import Translation

GLOSSARY = [
    GlossaryTerm(term="Dubflow"),
    GlossaryTerm(term="River Thames", translations={"es": "Támesis", "ca": "Tàmesi"}),
    GlossaryTerm(term="Thames"),
    GlossaryTerm(term="boat", translations={"es": "barca"}),
]
TEXTS = [
    "The River Thames flows through London.",
    "Ask dubflow where the boat goes.",
    "The weather is nice today.",
]


def test_terms_become_placeholders_longest_first_whole_words_any_case():
    protected = protect(["The river thames, the Thames and Thameside.", "No terms."], GLOSSARY)
    assert protected.texts == ["The ZQX0, the ZQX1 and Thameside.", "No terms."]
    assert protected.terms == [{0: 1, 1: 2}, {}]
    texts, missed = restore(["El ZQX0, el zqx1 y Thameside.", "Sin."], protected, GLOSSARY, "es")
    assert texts == ["El Támesis, el Thames y Thameside.", "Sin."] and missed == []
    # A lost or an invented placeholder: the text is reported, not guessed at.
    assert restore(["El río.", "ZQX3"], protected, GLOSSARY, "es")[1] == [0, 1]
    assert applied_terms(TEXTS[1], GLOSSARY) == ["Dubflow", "boat"]


def test_apertium_keeps_terms_and_forced_translations_in_real_sentences():
    translation = Translation(engine="apertium")
    plain = translation.translate(TEXTS, "en", "es")
    assert plain.texts[0] == "El Río Thames flujos a través de Londres."
    assert "bote" in plain.texts[1]
    spanish = translation.translate(TEXTS, "en", "es", GLOSSARY)
    assert spanish.engine == "apertium" and spanish.glossary_missed == []
    assert spanish.texts[0] == "El Támesis flujos a través de Londres."
    assert "Dubflow" in spanish.texts[1] and "barca" in spanish.texts[1]
    assert "bote" not in spanish.texts[1]
    assert spanish.texts[2] == plain.texts[2]
    catalan = translation.translate(TEXTS, "en", "ca", GLOSSARY)
    assert catalan.texts[0].startswith("El Tàmesi ")
    # No forced Catalan for "boat": it stays as it is.
    assert "Dubflow" in catalan.texts[1] and "boat" in catalan.texts[1]


def test_a_text_whose_placeholder_the_engine_lost_is_translated_without_the_glossary(tiny_nllb):
    translation = Translation(nllb_model_path=str(tiny_nllb), engine="nllb")
    result = translation.translate(TEXTS, "en", "es", GLOSSARY)
    assert result.engine == "nllb" and len(result.texts) == len(TEXTS)
    assert result.glossary_missed == [0, 1]  # the texts with terms; its noise has no ZQX
    assert not any("ZQX" in text.upper() for text in result.texts)
    assert result.texts[0] == translation.translate(TEXTS[:1], "en", "es").texts[0]
