"""Hand-built Provenance cases for the emitter tests and their golden files."""

from __future__ import annotations

from datetime import UTC, datetime

from aibom import model as m
from aibom.identity import hf_purl

TIMESTAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

CARD = m.Evidence("local", "README.md#front-matter", "declared")
PROSE = m.Evidence("local", "README.md#training-procedure", "inferred", quote="We fine-tuned Llama 2 7B")
CONFIG = m.Evidence("local", "config.json", "declared")


LLAMA2 = m.License(
    "llama2",
    CARD,
    spdx="LicenseRef-llama2",
    name="Llama 2 Community License Agreement",
    url="https://ai.meta.com/llama/license/",
    category="proprietary-community",
    osi_approved=False,
)

def _hashed(path: str, role: str, size: int, seed: str, weights: m.WeightInfo | None = None) -> m.FileEntry:
    return m.FileEntry(path, size, (seed * 64)[:64], role, m.Evidence("local", path, "computed"), weights)  # type: ignore[arg-type]


def fine_tune() -> m.Provenance:
    """A fine-tune with datasets, a base model, metrics, considerations and references."""
    apache = m.License(
        "apache-2.0",
        CARD,
        spdx="Apache-2.0",
        name="Apache License 2.0",
        category="permissive",
        osi_approved=True,
    )
    odc = m.License(
        "odc-by",
        m.Evidence("hf-hub", "datasets/allenai/c4#front-matter", "declared"),
        spdx="ODC-By-1.0",
        category="open-data-permissive",
        osi_approved=False,
    )
    weights = m.WeightInfo(
        "safetensors",
        m.Evidence("local", "model.safetensors#header", "computed"),
        parameters=(("BF16", 1_100_048_384),),
        metadata=(("format", "pt"),),
    )
    return m.Provenance(
        name="tiny-llama-ft",
        identity=m.Evidence("cli", "--repo-id", "declared"),
        source="local",
        repo_id="example-org/tiny-llama-ft",
        revision="0123456789abcdef0123456789abcdef01234567",
        purl=hf_purl("example-org/tiny-llama-ft", "0123456789abcdef0123456789abcdef01234567"),
        description="A small chat model fine-tuned from Llama 2 on C4 and UltraChat.",
        author="example-org",
        files=(
            _hashed("README.md", "doc", 2048, "1"),
            _hashed("config.json", "config", 612, "2"),
            _hashed("model.safetensors", "weights", 2_200_119_864, "3", weights),
            _hashed("tokenizer.json", "tokenizer", 1_842_767, "4"),
        ),
        licenses=(apache,),
        datasets=(
            m.Dataset(
                "allenai/c4",
                CARD,
                name="C4",
                url="https://huggingface.co/datasets/allenai/c4",
                licenses=(odc,),
                gated=False,
                description="Colossal Clean Crawled Corpus",
            ),
            m.Dataset(
                "HuggingFaceH4/ultrachat_200k",
                CARD,
                url="https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k",
                usage="fine-tuning",
            ),
            m.Dataset("gsm8k", m.Evidence("local", "README.md#model-index", "declared"), usage="evaluation"),
        ),
        base_models=(
            m.BaseModel(
                "meta-llama/Llama-2-7b-hf",
                "fine-tune",
                CARD,
                purl=hf_purl("meta-llama/Llama-2-7b-hf"),
                licenses=(LLAMA2,),
            ),
        ),
        references=(
            m.Reference(
                "https://github.com/example-org/train-tiny",
                "training-code",
                CARD,
                licenses=(apache,),
                commit="9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
            ),
            m.Reference("https://arxiv.org/abs/2307.09288", "research-paper", CARD, comment="Llama 2 paper"),
            m.Reference("https://huggingface.co/example-org/tiny-llama-ft", "model-card", CARD),
        ),
        card=m.CardFacts(
            task=m.Fact("text-generation", CARD),
            architecture_family=m.Fact("llama", CONFIG),
            model_architecture=m.Fact("LlamaForCausalLM", CONFIG),
            library=m.Fact("transformers", CARD),
            languages=("en", "fr"),
            tags=("chat", "llama"),
            metrics=(
                m.Metric(
                    "accuracy",
                    "0.412",
                    m.Evidence("local", "README.md#model-index", "declared"),
                    name="GSM8K (5-shot)",
                    dataset="gsm8k",
                    split="test",
                    task="text-generation",
                ),
                m.Metric("rouge1", "38.2", m.Evidence("local", "README.md#model-index", "declared")),
            ),
            considerations=(
                m.Consideration(
                    "use-cases",
                    "Chat assistants for English and French.",
                    m.Evidence("local", "README.md#intended-uses", "declared"),
                ),
                m.Consideration(
                    "limitations",
                    "Hallucinates facts; not for medical advice.",
                    m.Evidence("local", "README.md#limitations", "declared"),
                ),
                m.Consideration(
                    "ethical-considerations",
                    "May reproduce biases present in web text.",
                    m.Evidence("local", "README.md#bias", "declared"),
                ),
                m.Consideration("training-procedure", "LoRA on 8 GPUs for 3 epochs.", PROSE),
                m.Consideration(
                    "hyperparameters",
                    "learning_rate: 2e-4 | batch_size: 64",
                    m.Evidence("local", "README.md#training-hyperparameters", "declared"),
                ),
                m.Consideration("hardware", "8x A100 80GB", m.Evidence("local", "README.md#hardware", "declared")),
                m.Consideration(
                    "environmental",
                    "About 120 kg CO2eq.",
                    m.Evidence("local", "README.md#environmental-impact", "declared"),
                ),
                m.Consideration(
                    "limitations",
                    "Context limited to 4096 tokens.",
                    m.Evidence("local", "README.md#limitations", "declared"),
                ),
            ),
        ),
        parameters=m.Fact(1_100_048_384, m.Evidence("local", "model.safetensors#header", "computed")),
        properties=(m.Property("aibom:hf:library-name", "transformers", CARD),),
        unknowns=(
            m.Unknown(
                "dataset", "license", "offline: the dataset card was not fetched", "HuggingFaceH4/ultrachat_200k"
            ),
        ),
    )


def sharded() -> m.Provenance:
    """Sharded safetensors weights with an index, a file of unknown hash and a pickle with a risk."""

    def shard(i: int, params: tuple[tuple[str, int], ...]) -> m.FileEntry:
        rel = f"model-0000{i}-of-00002.safetensors"
        info = m.WeightInfo("safetensors", m.Evidence("local", f"{rel}#header", "computed"), parameters=params)
        return _hashed(rel, "weights", 500_000 + i, str(i + 4), info)

    pickle = m.WeightInfo(
        "pickle",
        m.Evidence("local", "training_args.bin#opcodes", "computed"),
        risks=("pickle imports os.system",),
    )
    return m.Provenance(
        name="sharded-bert",
        identity=m.Evidence("local", "README.md#front-matter:model_name", "declared"),
        source="local",
        files=(
            shard(2, (("F32", 60_000),)),
            shard(1, (("BF16", 4_096), ("F32", 70_000))),
            _hashed("model.safetensors.index.json", "config", 913, "a"),
            m.FileEntry(
                "training_args.bin",
                4_091,
                None,
                "weights",
                m.Evidence("local", "training_args.bin", "computed"),
                pickle,
            ),
        ),
        licenses=(m.License("MIT", CARD, spdx="MIT", category="permissive", osi_approved=True),),
        parameters=m.Fact(134_096, m.Evidence("local", "model.safetensors.index.json", "computed")),
    )


def unknown_license() -> m.Provenance:
    """`license: other` with no name: no CycloneDX license at all, an unknown instead."""
    return m.Provenance(
        name="mystery-model",
        identity=m.Evidence("local", "folder name", "inferred"),
        source="local",
        licenses=(m.License("other", CARD),),
        unknowns=(m.Unknown("model", "license", "the card says 'other' and names no license"),),
    )


def llama_license() -> m.Provenance:
    """A named community license (LicenseRef) with its URL, on a gated Hub model."""
    return m.Provenance(
        name="Llama-2-7b-chat-hf",
        identity=m.Evidence("hf-hub", "https://huggingface.co/api/models/meta-llama/Llama-2-7b-chat-hf", "declared"),
        source="hf-hub",
        repo_id="meta-llama/Llama-2-7b-chat-hf",
        purl=hf_purl("meta-llama/Llama-2-7b-chat-hf"),
        author="meta-llama",
        gated=True,
        licenses=(LLAMA2,),
    )


def assessed() -> m.Provenance:
    """The fine-tune with a core assessment embedded (every status)."""
    findings = (
        m.Finding(
            "open-code",
            "Open code",
            "met",
            "training code is public under Apache-2.0",
            evidence=(CARD, m.Evidence("local", "https://github.com/example-org/train-tiny", "declared")),
        ),
        m.Finding(
            "open-weights",
            "Open weights",
            "met",
            "weights present under Apache-2.0",
            evidence=(m.Evidence("local", "model.safetensors", "computed"),),
        ),
        m.Finding(
            "open-data",
            "Open data",
            "partial",
            "1 of 2 training datasets has an open-data license",
            fix="declare the license of HuggingFaceH4/ultrachat_200k",
            evidence=(CARD,),
        ),
        m.Finding(
            "permissive-license",
            "Permissive license",
            "unknown",
            "base model license not verified",
            fix="run with network access",
        ),
    )
    return fine_tune().with_changes(
        assessments=(m.Assessment("core", findings, summary=(("met", "2"), ("partial", "1"), ("unknown", "1"))),)
    )


CASES = {
    "fine-tune": fine_tune,
    "sharded": sharded,
    "unknown-license": unknown_license,
    "llama-license": llama_license,
    "assessed": assessed,
}
