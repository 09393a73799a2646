"""An empty required service field is refused in English with the field's label first: a label
keeps its capitals ("English name (as in passport)"), so put after a verb it read "Enter
Household registration address"."""

from __future__ import annotations

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.services.intake import IntakeRequest
from eservice_desktop.services.intake_checks import service_errors
from eservice_desktop.storage import resources


def _catalogue() -> Catalogue:
    return Catalogue.from_dict(
        resources.read_json("catalogue", "services.json"),
        resources.read_json("catalogue", "offices.json"),
    )


def test_every_required_field_left_empty_is_refused_label_first() -> None:
    checked = 0
    cat = _catalogue()
    for svc in cat.services_for("household") + cat.services_for("land"):
        req = IntakeRequest(service_code=svc.code, applicant_id="", applicant_name="")
        errors = service_errors(svc, req, {"kind": "person"})
        for spec in svc.fields:
            if not spec.required:
                continue
            err = errors[spec.key]
            assert err.code == "field.required"
            assert err.message_en.startswith(f"{spec.label_en}: "), err.message_en
            assert spec.label in err.message_zh
            checked += 1
    assert checked > 20  # the catalogue has many required fields: the loop ran over them
