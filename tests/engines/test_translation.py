import pytest

from dubbing_core.languages import UnsupportedLanguage, get_language, to_nllb
from resources.translation import (
    ApertiumEngine,
    NllbEngine,
    Translation,
    TranslationError,
    _load_nllb,
    apertium_pairs,
    choose_engine,
)

SEGMENTS = [
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software",
    "and associated documentation files to deal in the software without restriction,",
]


def test_language_codes_map_to_nllb():
    assert to_nllb("es") == "spa_Latn" and to_nllb("ca") == "cat_Latn"
    assert get_language("de").iso639_2 == "deu"
    with pytest.raises(UnsupportedLanguage):
        get_language("xx")


def test_apertium_translates_english_to_spanish_and_catalan():
    assert {("en", "es"), ("es", "en"), ("en", "ca")} <= apertium_pairs()
    spanish = ApertiumEngine().translate(SEGMENTS, "en", "es")
    assert len(spanish) == 2
    assert "permiso" in spanish[0].lower() and "concedido" in spanish[0].lower()
    assert "software" in spanish[1].lower()
    catalan = ApertiumEngine().translate(["Hello world."], "en", "ca")
    assert catalan == ["Hola món."]


def test_apertium_batches_many_segments_in_one_call_one_output_each():
    texts = [f"The house number {n} is red.\nIt has a door." for n in range(20)]
    result = ApertiumEngine().translate(texts, "en", "es")
    assert len(result) == 20 and all("casa" in line for line in result)


def test_engine_choice_per_pair():
    assert choose_engine("en", "en", nllb_model_path=None).name == "identity"
    assert choose_engine("en", "es", nllb_model_path=None).name == "apertium"
    with pytest.raises(TranslationError) as error:
        choose_engine("en", "de", nllb_model_path=None)
    assert error.value.code == "translation.unsupported_pair"
    assert "NLLB" in str(error.value)
    with pytest.raises(TranslationError):
        choose_engine("en", "ja", nllb_model_path=None)
    assert not Translation().covers("en", "de") and Translation().covers("es", "en")


def test_nllb_loads_and_generates_through_transformers(tiny_nllb):
    engine = NllbEngine(str(tiny_nllb), batch_size=2)
    texts = [*SEGMENTS, "hola", "el permiso"]
    for target in ("es", "de"):
        result = engine.translate(texts, "en", target)
        assert len(result) == len(texts) and all(isinstance(text, str) for text in result)
    tokenizer, model = _load_nllb(str(tiny_nllb), "cpu")
    tokenizer.src_lang = "eng_Latn"
    batch = tokenizer(SEGMENTS, return_tensors="pt", padding=True)
    spanish = tokenizer.convert_tokens_to_ids("spa_Latn")
    generated = model.generate(**batch, forced_bos_token_id=spanish, max_new_tokens=5)
    assert (generated[:, 1] == spanish).all()
    assert batch["input_ids"][0, 0] == tokenizer.convert_tokens_to_ids("eng_Latn")


def test_nllb_is_chosen_for_every_pair_when_configured(tiny_nllb):
    translation = Translation(nllb_model_path=str(tiny_nllb))
    result = translation.translate(SEGMENTS, "en", "de")
    assert result.engine == "nllb" and len(result.texts) == 2
    assert "nllb-" in translation.version()
    apertium_only = Translation(nllb_model_path=str(tiny_nllb), engine="apertium")
    assert apertium_only.translate(SEGMENTS, "en", "es").engine == "apertium"
