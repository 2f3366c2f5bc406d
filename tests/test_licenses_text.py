"""LICENSE file text -> best-effort license match, from the distinctive lines of the public texts."""

from __future__ import annotations

import pytest

from aibom.license_text import MAX_TEXT, from_text
from aibom.model import Evidence

EV = Evidence("local", "LICENSE", "computed")


APACHE = """
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.
"""


MIT = """MIT License

Copyright (c) Microsoft Corporation.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
"""


BSD_HEAD = """Copyright (c) 2023, The authors
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.
"""


BSD_3 = BSD_HEAD + """
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.
"""


BSD_CLEAR = BSD_3 + """
NO EXPRESS OR IMPLIED LICENSES TO ANY PARTY'S PATENT RIGHTS ARE GRANTED BY
THIS LICENSE.
"""


GPL_3 = """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
 ...
  13. Use with the GNU Affero General Public License.
"""


GPL_2 = """                    GNU GENERAL PUBLIC LICENSE
                       Version 2, June 1991
"""


LGPL_3 = """                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.
"""


LGPL_21 = """                  GNU LESSER GENERAL PUBLIC LICENSE
                       Version 2.1, February 1999
"""


AGPL_3 = """                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007
"""


MPL_2 = """Mozilla Public License Version 2.0
==================================

1. Definitions
"""


CC_BODY = """
=======================================================================

Creative Commons Corporation ("Creative Commons") is not a law firm and
does not provide legal services or legal advice.
"""


CC0 = """Creative Commons Legal Code

CC0 1.0 Universal

    CREATIVE COMMONS CORPORATION IS NOT A LAW FIRM AND DOES NOT PROVIDE
"""


LLAMA_2 = """LLAMA 2 COMMUNITY LICENSE AGREEMENT\t
Llama 2 Version Release Date: July 18, 2023

"Agreement" means the terms and conditions for use, reproduction, distribution and
modification of the Llama Materials set forth herein.
"""


LLAMA_3 = """META LLAMA 3 COMMUNITY LICENSE AGREEMENT
Meta Llama 3 Version Release Date: April 18, 2024
"""


LLAMA_31 = """LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
Llama 3.1 Version Release Date: July 23, 2024
"""


GEMMA = """Gemma Terms of Use

Last modified: February 21, 2024

By using, reproducing, modifying, distributing, performing or displaying any portion or element of
Gemma, Model Derivatives including via any Hosted Service, you agree to be bound by this Agreement.
"""


BLOOM_RAIL = """BigScience RAIL License v1.0
dated May 19, 2022
"""


CREATIVEML = """CreativeML Open RAIL-M
dated August 22, 2022

Section I: PREAMBLE
"""


OPENRAIL_PP = """Copyright (c) 2023 Stability AI CreativeML Open RAIL++-M License dated July 26, 2023
"""


BIGSCIENCE_OPENRAIL = """BigScience Open RAIL-M License
dated August 18, 2022
"""


BIGCODE = """BigCode Open RAIL-M v1 License Agreement
"""


FALCON = """TII Falcon LLM License
Version 1.0, May 2023
"""


UNLICENSE = """This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
"""


QWEN = """Tongyi Qianwen LICENSE AGREEMENT

Tongyi Qianwen Release Date: August 3, 2023
"""


ISC = """ISC License

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
"""


@pytest.mark.parametrize(
    ("text", "spdx", "category"),
    [
        (APACHE, "Apache-2.0", "permissive"),
        ("Licensed under the Apache License, Version 2.0 (the \"License\");", "Apache-2.0", "permissive"),
        (MIT, "MIT", "permissive"),
        (BSD_HEAD, "BSD-2-Clause", "permissive"),
        (BSD_3, "BSD-3-Clause", "permissive"),
        (BSD_CLEAR, "BSD-3-Clause-Clear", "permissive"),
        (GPL_3, "GPL-3.0-only", "strong-copyleft"),
        (GPL_2, "GPL-2.0-only", "strong-copyleft"),
        (LGPL_3, "LGPL-3.0-only", "weak-copyleft"),
        (LGPL_21, "LGPL-2.1-only", "weak-copyleft"),
        (AGPL_3, "AGPL-3.0-only", "network-copyleft"),
        (MPL_2, "MPL-2.0", "weak-copyleft"),
        ("Attribution 4.0 International\n" + CC_BODY, "CC-BY-4.0", "open-data-permissive"),
        ("Attribution-ShareAlike 4.0 International\n" + CC_BODY, "CC-BY-SA-4.0", "open-data-share-alike"),
        ("Attribution-NonCommercial 4.0 International\n" + CC_BODY, "CC-BY-NC-4.0", "non-commercial"),
        ("Attribution-NonCommercial-ShareAlike 4.0 International\n" + CC_BODY, "CC-BY-NC-SA-4.0",
         "non-commercial"),
        ("Attribution-NoDerivatives 4.0 International\n" + CC_BODY, "CC-BY-ND-4.0", "no-derivatives"),
        ("Attribution-NonCommercial-NoDerivatives 4.0 International\n" + CC_BODY, "CC-BY-NC-ND-4.0",
         "non-commercial"),
        ("Creative Commons Legal Code\n\nAttribution-ShareAlike 3.0 Unported\n", "CC-BY-SA-3.0",
         "open-data-share-alike"),
        (CC0, "CC0-1.0", "public-domain"),
        (LLAMA_2, "LicenseRef-scancode-llama-2-license-2023", "proprietary-community"),
        (LLAMA_3, "LicenseRef-hf-llama3", "proprietary-community"),
        (LLAMA_31, "LicenseRef-scancode-llama-3.1-license-2024", "proprietary-community"),
        (GEMMA, "LicenseRef-scancode-gemma-tou-2024-04-01", "proprietary-community"),
        (BLOOM_RAIL, "LicenseRef-scancode-bigscience-rail-1.0", "rail-use-restricted"),
        (CREATIVEML, "LicenseRef-hf-creativeml-openrail-m", "rail-use-restricted"),
        (OPENRAIL_PP, "LicenseRef-hf-openrail-pp", "rail-use-restricted"),
        (BIGSCIENCE_OPENRAIL, "LicenseRef-scancode-bigscience-open-rail-m", "rail-use-restricted"),
        (BIGCODE, "LicenseRef-scancode-bigcode-open-rail-m-v1", "rail-use-restricted"),
        (FALCON, "LicenseRef-hf-tii-falcon-llm", "proprietary-community"),
        (UNLICENSE, "Unlicense", "public-domain"),
        (QWEN, "LicenseRef-scancode-tongyi-qianwen-2023", "proprietary-community"),
        (ISC, "ISC", "permissive"),
    ],
)
def test_license_texts_match(text, spdx, category):
    lic = from_text(text, EV)
    assert lic is not None
    assert (lic.spdx, lic.category) == (spdx, category)
    assert lic.evidence.method == "inferred"
    assert (lic.evidence.collector, lic.evidence.location) == ("local", "LICENSE")
    assert lic.evidence.quote and lic.evidence.quote in " ".join(text.lower().split())


def test_the_main_license_is_the_first_one_named():
    notices = "\n\nThird-party notices:\n\n" + MIT
    assert from_text(APACHE + notices, EV).spdx == "Apache-2.0"
    assert from_text(MIT + "\n\n" + APACHE, EV).spdx == "MIT"
    assert from_text(LLAMA_2 + "\nSee also the Apache License, Version 2.0", EV).spdx.startswith(
        "LicenseRef-scancode-llama-2"
    )


def test_markdown_and_typographic_quotes_do_not_hide_a_license():
    text = "# **Gemma Terms of Use**\n\nLast modified: February 21, 2024"
    assert from_text(text, EV).category == "proprietary-community"
    assert from_text("Copyright “us”\u00a0— Attribution-NonCommercial 4.0 International", EV).spdx == (
        "CC-BY-NC-4.0"
    )


@pytest.mark.parametrize(
    "text", ["", "All rights reserved.", "See the model card for terms.", "\x00" * 1000, "apache"]
)
def test_no_match_is_none(text):
    assert from_text(text, EV) is None


def test_only_the_first_64_kb_is_read():
    padding = "x " * (MAX_TEXT // 2)
    assert from_text(padding + MIT, EV) is None
    assert from_text(MIT + padding, EV).spdx == "MIT"


def test_non_text_input_is_none():
    assert from_text(None, EV) is None  # type: ignore[arg-type]
