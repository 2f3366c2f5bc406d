"""Model and dataset cards: `parse` joins `front_matter` (YAML), `sections` (Markdown structure) and
`prose` (links, scripts and base models in running text); `text` holds the lines and the bounds."""

from aibom.budget import MAX_CARD_CHARS
from aibom.collect.cards.front_matter import RELATION_WORDS, front_matter_licenses
from aibom.collect.cards.parse import CardInfo, parse_dataset_card, parse_model_card
from aibom.collect.cards.text import MAX_SECTION_CHARS

__all__ = ["MAX_CARD_CHARS", "MAX_SECTION_CHARS", "RELATION_WORDS", "CardInfo", "front_matter_licenses",
           "parse_dataset_card", "parse_model_card"]
