"""A tiny, randomly initialised NLLB model built locally in seconds (no hub, no weights).

Its translations are noise; it exists so tests and benchmarks exercise the real transformers
loading and generation path (`AutoTokenizer`, `AutoModelForSeq2SeqLM`, forced target BOS).
"""

import random
from pathlib import Path

WORDS = [
    "the",
    "software",
    "permission",
    "is",
    "hereby",
    "granted",
    "free",
    "of",
    "charge",
    "to",
    "any",
    "person",
    "obtaining",
    "a",
    "copy",
    "el",
    "permiso",
    "es",
    "concedido",
    "gratis",
    "a",
    "cualquier",
    "persona",
    "que",
    "obtiene",
    "una",
    "copia",
    "del",
    "programa",
]


def build_tiny_nllb(dest: Path, seed: int = 0) -> Path:
    import sentencepiece
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    corpus = dest / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choices(WORDS, k=10)) for _ in range(400)))
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(dest / "sentencepiece"),
        vocab_size=50,
        model_type="unigram",
        character_coverage=1.0,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        minloglevel=2,
    )
    tokenizer = NllbTokenizer(vocab_file=str(dest / "sentencepiece.model"))
    tokenizer.save_pretrained(dest)
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    M2M100ForConditionalGeneration(config).save_pretrained(dest)
    corpus.unlink()
    return dest
