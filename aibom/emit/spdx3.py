"""Provenance -> SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, built with spdx-python-model.

The model is an `ai_AIPackage` (purl, version, download location, supplier, type of model, domain,
hyperparameters, metrics, limitations, information about training and application), each file a
`software_File` with its SHA-256, each dataset a `dataset_DatasetPackage`, each base model and data
generator an `ai_AIPackage`. Facts are joined by relationships: the model contains its files, was
trainedOn / testedOn its datasets, is a descendantOf its base models; a generator generates its
dataset; every package hasDeclaredLicense and hasConcludedLicense (the AI profile asks for both:
the concluded license is aibom's reading, NoAssertion where it could not classify one).

Identifiers are IRIs under a document namespace derived from the model's purl or name, so the same
provenance gives the same document. Without a time (``--reproducible``) the creation time, which
SPDX requires, is the Unix epoch.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from aibom import __version__
from aibom import model as m
from aibom.licenses import spdx_expression

NOASSERTION_LICENSE = "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
CONCLUDED_CATEGORIES_UNKNOWN = ("unknown",)
PURPOSES: dict[str, str] = {"weights": "model", "config": "configuration", "tokenizer": "data", "code": "source",
                            "doc": "documentation", "license": "documentation", "other": "other"}
"""File role -> software_SoftwarePurpose."""
ROLE_COMMENT = "aibom file role: "
REF_TYPES = {"research-paper": "documentation", "technical-report": "documentation", "model-card": "documentation",
             "data-card": "documentation", "website": "altWebPage", "distribution": "altDownloadLocation",
             "evaluation-results": "metrics"}
"""Reference purpose -> ExternalRefType (code of any kind is ``vcs``, the rest ``other``); the
purpose itself is the external ref's comment."""
CONSIDERATIONS = {"limitations": "ai_limitation", "use-cases": "ai_informationAboutApplication"}
TRAINING_KINDS = ("training-data", "training-procedure", "hyperparameters", "hardware")


def to_jsonld(prov: m.Provenance, *, timestamp: datetime | None) -> str:
    """The SPDX 3.0.1 JSON-LD document of `prov`."""
    from spdx_python_model import v3_0_1 as s

    b = _Builder(s, prov, timestamp)
    b.build()
    buf = io.BytesIO()
    s.JSONLDSerializer().write(b.objects, buf, indent=2)
    return buf.getvalue().decode("utf-8")


class _Builder:
    """One pass from the provenance to the SHACL object set."""

    def __init__(self, s: Any, prov: m.Provenance, timestamp: datetime | None) -> None:
        self.s, self.prov = s, prov
        key = prov.purl.split("@")[0] if prov.purl else f"name:{prov.name}"
        self.ns = f"https://spdx.org/spdxdocs/aibom-{uuid.uuid5(uuid.NAMESPACE_URL, 'aibom:' + key)}/"
        when = timestamp or datetime(1970, 1, 1, tzinfo=UTC)
        self.info = s.CreationInfo(specVersion="3.0.1", created=when.astimezone(UTC).replace(microsecond=0))
        self.agent = s.SoftwareAgent(spdxId=self.ns + "agent/aibom", name="aibom", creationInfo=self.info)
        self.info.createdBy.append(self.agent)
        self.tool = s.Tool(spdxId=self.ns + "tool/aibom", name=f"aibom {__version__}", creationInfo=self.info)
        self.info.createdUsing.append(self.tool)
        self.objects = s.SHACLObjectSet()
        self.elements: list[Any] = []
        self.counters: dict[str, int] = {}
        self.orgs: dict[str, Any] = {}

    def id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{self.ns}{kind}/{self.counters[kind]}"

    def add(self, obj: Any) -> Any:
        self.objects.add(obj)
        self.elements.append(obj)
        return obj

    def build(self) -> None:
        s, prov = self.s, self.prov
        model = self.add(self._model())
        self._licenses(model, prov.licenses)
        entries = sorted(dict.fromkeys(prov.files), key=lambda f: f.path)
        code = _verification_code(entries)
        if code:
            model.verifiedUsing.append(s.PackageVerificationCode(algorithm=s.HashAlgorithm.sha256, hashValue=code))
        files = [self._file(f) for f in entries]
        if files:
            self.relate(model, "contains", files)
        for ds in prov.datasets:
            package = self._dataset(ds)
            self.relate(model, "testedOn" if ds.usage == "evaluation" else "trainedOn", [package])
            if ds.generator:
                self.relate(self._ai(ds.generator, None, "model that generated the data"), "generates", [package])
        for base in prov.base_models:
            ancestor = self._ai(base.id, base.purl, f"{base.relation} base model", base.revision)
            self._licenses(ancestor, base.licenses)
            rel = self.relate(model, "descendantOf", [ancestor])
            rel.comment = f"relation: {base.relation}; evidence: {base.evidence.method}, {base.evidence.location}"
        sbom = s.software_Sbom(spdxId=self.ns + "sbom", creationInfo=self.info, name=f"AI-BOM of {prov.name}")
        sbom.software_sbomType.append(s.software_SbomType.analyzed)
        sbom.rootElement.append(model)
        for e in self.elements:
            sbom.element.append(e)
        doc = s.SpdxDocument(spdxId=self.ns + "document", creationInfo=self.info, name=prov.name)
        doc.dataLicense = self._listed("CC0-1.0")
        doc.rootElement.append(sbom)
        for e in (sbom, *self.elements):
            doc.element.append(e)
        for p in ("core", "software", "ai", "dataset", "simpleLicensing"):
            doc.profileConformance.append(getattr(s.ProfileIdentifierType, p))
        self.objects.add(sbom)
        self.objects.add(doc)
        self.objects.add(self.agent)
        self.objects.add(self.tool)

    def _model(self) -> Any:
        s, prov = self.s, self.prov
        pkg = self._package(s.ai_AIPackage(spdxId=self.ns + "model", creationInfo=self.info, name=prov.name),
                            prov.purl, prov.revision, "model")
        if prov.description:
            pkg.description = prov.description
        if prov.repo_id and "/" in prov.repo_id:
            pkg.software_downloadLocation = f"https://huggingface.co/{prov.repo_id}"
            pkg.suppliedBy = self._org(prov.author or prov.repo_id.split("/")[0])
        elif prov.author:
            pkg.suppliedBy = self._org(prov.author)
        card = prov.card
        if card.model_architecture is not None:
            pkg.ai_typeOfModel.append(card.model_architecture.value)
        if card.architecture_family is not None:
            pkg.ai_typeOfModel.append(card.architecture_family.value)
        if card.task is not None:
            pkg.ai_domain.append(card.task.value)
        for ref in prov.own_references:
            if "://" in ref.url:
                kind = REF_TYPES.get(ref.purpose, "vcs" if ref.purpose.endswith(("code", "libraries", "repository",
                                                                                  "architecture")) else "other")
                pkg.externalRef.append(s.ExternalRef(externalRefType=getattr(s.ExternalRefType, kind),
                                                     locator=[ref.url], comment=ref.purpose))
        pkg.ai_autonomyType = s.PresenceType.noAssertion
        for key, value in self._hyperparameters():
            pkg.ai_hyperparameter.append(s.DictionaryEntry(key=key, value=value))
        for metric in card.metrics:
            name = " ".join(x for x in (metric.type, metric.dataset, metric.split) if x)
            pkg.ai_metric.append(s.DictionaryEntry(key=name, value=metric.value))
        for kind, attr in CONSIDERATIONS.items():
            texts = [c.text for c in card.considerations if c.kind == kind]
            if texts:
                setattr(pkg, attr, "\n\n".join(texts))
        training = [c.text for c in card.considerations if c.kind in TRAINING_KINDS]
        if training:
            pkg.ai_informationAboutTraining = "\n\n".join(training)
        return pkg

    def _hyperparameters(self) -> list[tuple[str, str]]:
        prov = self.prov
        out: list[tuple[str, str]] = []
        if prov.parameters is not None:
            out.append(("parameter_count", str(prov.parameters.value)))
        for f in prov.weight_files:
            meta = dict(f.weights.metadata) if f.weights else {}
            for key in ("gguf.quantization", "gguf.context_length"):
                if key in meta:
                    out.append((f"{key.split('.', 1)[1]} ({f.path})", meta[key]))
        out += [(p.name.removeprefix("aibom:"), p.value) for p in prov.properties if p.name == m.PROP_TORCH_DTYPE]
        return out

    def _package(self, pkg: Any, purl: str | None, version: str | None, purpose: str) -> Any:
        if purl:
            pkg.software_packageUrl = purl
            pkg.externalIdentifier.append(self.s.ExternalIdentifier(
                externalIdentifierType=self.s.ExternalIdentifierType.packageUrl, identifier=purl))
        if version:
            pkg.software_packageVersion = version
        pkg.software_primaryPurpose = getattr(self.s.software_SoftwarePurpose, purpose)
        return pkg

    def _ai(self, name: str, purl: str | None, comment: str, version: str | None = None) -> Any:
        pkg = self._package(self.s.ai_AIPackage(spdxId=self.id("model"), creationInfo=self.info, name=name),
                            purl, version, "model")
        pkg.comment = comment
        if "/" in name and "://" not in name:
            pkg.software_downloadLocation = f"https://huggingface.co/{name}"
        return self.add(pkg)

    def _file(self, f: m.FileEntry) -> Any:
        s = self.s
        obj = s.software_File(spdxId=self.id("file"), creationInfo=self.info, name=f.path)
        obj.software_fileKind = s.software_FileKindType.file
        obj.software_primaryPurpose = getattr(s.software_SoftwarePurpose, PURPOSES[f.role])
        obj.comment = f"{ROLE_COMMENT}{f.role}"  # the purposes cannot tell a tokenizer or LICENSE file apart
        if f.sha256:
            obj.verifiedUsing.append(s.Hash(algorithm=s.HashAlgorithm.sha256, hashValue=f.sha256))
        return self.add(obj)

    def _dataset(self, ds: m.Dataset) -> Any:
        s = self.s
        pkg = self._package(s.dataset_DatasetPackage(spdxId=self.id("dataset"), creationInfo=self.info, name=ds.id),
                            None, ds.revision, "data")
        pkg.dataset_datasetType.append(s.dataset_DatasetType.noAssertion)
        if ds.url:
            pkg.software_downloadLocation = ds.url
        if ds.description:
            pkg.description = ds.description
        if ds.gated is not None:
            pkg.dataset_datasetAvailability = (s.dataset_DatasetAvailabilityType.clickthrough if ds.gated
                                               else s.dataset_DatasetAvailabilityType.directDownload)
        if "/" in ds.id and "://" not in ds.id:
            pkg.suppliedBy = self._org(ds.id.split("/")[0])
        if ds.generator:
            pkg.comment = f"synthetic: generated by {ds.generator}" + (f" from {ds.seed_source}" if ds.seed_source
                                                                        else "")
        self.add(pkg)
        self._licenses(pkg, ds.licenses)
        return pkg

    def _licenses(self, pkg: Any, licenses: tuple[m.License, ...]) -> None:
        """hasDeclaredLicense: what the sources stated (an SPDX expression, NoAssertion for a license
        known only by name); hasConcludedLicense: the same when aibom classified it, else NoAssertion."""
        expression = _expression(licenses)
        declared = self._expression(expression) if expression else NOASSERTION_LICENSE
        self.relate(pkg, "hasDeclaredLicense", [declared])
        classified = expression and all(lic.category not in CONCLUDED_CATEGORIES_UNKNOWN for lic in licenses)
        self.relate(pkg, "hasConcludedLicense", [declared if classified else NOASSERTION_LICENSE])

    def _expression(self, text: str) -> Any:
        obj = self.s.simplelicensing_LicenseExpression(spdxId=self.id("license"), creationInfo=self.info,
                                                         simplelicensing_licenseExpression=text)
        return self.add(obj)

    def _listed(self, spdx_id: str) -> Any:
        return self._expression(spdx_id)

    def _org(self, name: str) -> Any:
        if name not in self.orgs:
            self.orgs[name] = self.add(self.s.Organization(spdxId=self.id("organization"), creationInfo=self.info,
                                                           name=name))
        return self.orgs[name]

    def relate(self, source: Any, kind: str, targets: list[Any]) -> Any:
        rel = self.s.Relationship(spdxId=self.id("relationship"), creationInfo=self.info, from_=source,
                                  relationshipType=getattr(self.s.RelationshipType, kind))
        for t in targets:
            rel.to.append(t)
        return self.add(rel)


def _verification_code(files: list[m.FileEntry]) -> str | None:
    """The package's verification code: SHA-256 over its files' SHA-256 hex digests, sorted and
    concatenated (SPDX's verification-code scheme, with SHA-256 for SHA-1); None unless every file
    was hashed (a code over some files would verify nothing)."""
    digests = [f.sha256 for f in files]
    if not digests or any(d is None for d in digests):
        return None
    return hashlib.sha256("".join(sorted(digests)).encode("ascii")).hexdigest()  # type: ignore[arg-type]


def _expression(licenses: tuple[m.License, ...]) -> str | None:
    """One SPDX expression for all `licenses` (AND: every one applies); None when one has no SPDX id."""
    ids = [lic.spdx for lic in licenses if lic.spdx]
    if not ids or len(ids) != len(licenses):
        return None
    return spdx_expression(" AND ".join(f"({i})" for i in ids))
