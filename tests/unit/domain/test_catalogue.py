"""The shipped catalogue matches the seed's appendix 1, and bad catalogue data is refused."""

from __future__ import annotations

import copy
import json
import math
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.domain.catalogue import (
    DOCUMENT_FREE_KINDS,
    Catalogue,
    fee_total,
)
from eservice_desktop.domain.errors import DomainError

CATALOGUE_DIR = Path(__file__).resolve().parents[3] / "resources" / "catalogue"

#: Seed appendix 1, verbatim, in its order (共 63 項).
APPENDIX_1_NAMES = [
    # 民政業務
    "請領戶口名簿(預約)",
    "請領戶籍謄本(預約)",
    "請領個人戶籍謄本(全程式)",
    "請領英文戶籍謄本(預約)",
    "申辦自然人憑證(預約)",
    "申辦門牌證明(預約)",
    # 社會福利
    "設立財團法人社會福利慈善事業基金會",
    "身心障礙者專用停車識別證",
    "獨居老人問安電話",
    "弱勢家庭兒童及少年緊急生活扶助",
    "社會工作師執業執照",
    # 勞工服務
    "勞資會議備查",
    "進用身心障礙者情形月報表",
    "就業歧視申訴案件",
    "勞工申訴案件",
    # 教育資源
    "短期補習班立案申請",
    "短期補習班變更申請",
    # 衛生保健
    "外勞健檢核備補發申請系統",
    "整合性篩檢醫療院所申請報備系統",
    "糖尿病共同照護網申辦系統",
    "流感疫苗接種人數通報系統",
    "預防接種合約醫院(診所)申請",
    "糖尿病共同照護網醫事人員繼續教育時數",
    # 農業發展
    "查詢是否公告為自然地景、野生動物保護區",
    # 環境保護
    "事業污染管制紀錄申請表",
    "公私場所空氣污染防制專責單位、專責人員設置及異動",
    "事業廢水處理專責單位、專責人員設置及異動",
    "申請管制編號",
    "毒性化學物質專業人員設置",
    # 工商發展
    "商業登記網路申請停業",
    "商業登記網路申請歇業",
    "商品標示諮詢",
    "申請加油站門牌整編",
    "申請自來水承裝業營業許可",
    # 工務建設
    "使用執照謄本核發",
    "使用執照圖說影印",
    # 水利資源
    "山坡地範圍查詢及河川區域線及治理計畫線查詢",
    "特定水土保持區範圍查詢",
    # 城鄉發展
    "都市計畫土地使用分區證明書",
    "獎勵投資興建國民住宅註記塗銷",
    "貸款自建國民住宅註記塗銷",
    "委託公司承辦興建國民住宅註記塗銷",
    # 藝文活動
    "班訪申請",
    "中國家具博物館團體預約導覽",
    "桃園縣古蹟景點團體預約導覽",
    "文化局桃園館第一、二展覽室預約導覽",
    "MP3 導覽使用申請",
    "文化局5樓團體視聽室及中壢館2樓演講廳租用申請",
    # 地政資訊
    "縣有耕地租金之繳納",
    "地政士申請核發開業執照",
    "申領抵價地",
    "經紀業名稱備查",
    "經紀業所在地變更備查",
    "人工登記簿謄本申請",
    "土地基本資料庫電子資料流通申請",
    "建物門牌查詢地建號",
    "住址、姓名變更登記",
    "更正登記",
    "書狀換給",
    "土地鑑界",
    "建物門牌勘查及登記",
    "建物基地勘測及登記",
    "建物滅失勘查及登記",
]

HOUSEHOLD_CODES = [
    "HR-HOUSEHOLD-BOOK",
    "HR-TRANSCRIPT",
    "HR-TRANSCRIPT-PERSONAL",
    "HR-TRANSCRIPT-EN",
    "HR-MOICA-CARD",
    "HR-DOORPLATE-CERT",
]
LAND_CODES = [
    "LR-LAND-TRANSCRIPT",
    "LR-LAND-DATA-SHARING",
    "LR-BUILDING-NUMBER-LOOKUP",
    "LR-ADDRESS-NAME-CHANGE",
    "LR-CORRECTION",
    "LR-TITLE-DEED-EXCHANGE",
    "LR-BOUNDARY-SURVEY",
    "LR-DOORPLATE-SURVEY",
    "LR-BASE-SURVEY",
    "LR-DEMOLITION-SURVEY",
]
DOCUMENT_FREE_SERVICES = {
    # seed appendix 4/6/10 (18 rows) ...
    "PW-USE-PERMIT-DRAWINGS",
    "PW-USE-PERMIT-TRANSCRIPT",
    "BD-LABELLING-ADVICE",
    "WR-SOIL-CONSERVATION-QUERY",
    "LA-BROKER-NAME",
    "LA-BROKER-ADDRESS",
    "SA-DISABLED-PARKING",
    "UR-PUBLIC-HOUSING-COMMISSIONED",
    "UR-PUBLIC-HOUSING-LOAN",
    "UR-PUBLIC-HOUSING-INCENTIVE",
    "UR-ZONING-CERT",
    "ED-CRAM-SCHOOL-REGISTER",
    "ED-CRAM-SCHOOL-CHANGE",
    "AG-PROTECTED-AREA-QUERY",
    "EP-AIR-SPECIALIST",
    "EP-CONTROL-NUMBER",
    "EP-POLLUTION-RECORD",
    "EP-WASTEWATER-SPECIALIST",
    # ... plus the 19th the seed counts but does not list
    "WR-SLOPELAND-RIVER-QUERY",
}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CATALOGUE_DIR / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return _load("services.json")


@pytest.fixture(scope="module")
def raw_offices() -> dict[str, Any]:
    return _load("offices.json")


@pytest.fixture(scope="module")
def cat(raw: dict[str, Any], raw_offices: dict[str, Any]) -> Catalogue:
    return Catalogue.from_dict(raw, raw_offices)


def _rejects(data: dict[str, Any], code: str, offices: dict[str, Any] | None = None) -> DomainError:
    with pytest.raises(DomainError) as info:
        Catalogue.from_dict(data, offices)
    assert info.value.code == code, (info.value.code, info.value.message_en)
    assert info.value.message_zh
    return info.value


# -- the shipped catalogue against the seed ------------------------------------------------------


def test_version_and_sizes(cat: Catalogue) -> None:
    assert cat.version == "2026.1"
    assert len(cat.services) == 63
    assert len(cat.offices) == 32
    assert len(cat.kiosk) == 16


def test_names_are_appendix_1_verbatim(cat: Catalogue) -> None:
    assert len(APPENDIX_1_NAMES) == 63
    assert [s.name for s in cat.services] == APPENDIX_1_NAMES


def test_codes_are_unique_stable_ascii(raw: dict[str, Any]) -> None:
    codes = [s["code"] for s in raw["services"]]
    assert len(set(codes)) == 63
    assert all(code.isascii() and code.upper() == code for code in codes)


def test_sixteen_vertically_integrated_services(cat: Catalogue) -> None:
    household = [s.code for s in cat.services_for("household")]
    land = [s.code for s in cat.services_for("land")]
    assert household == HOUSEHOLD_CODES
    assert land == LAND_CODES
    assert len(household) + len(land) == 16
    assert len(cat.services_for("county")) == 47
    assert all(s.department == "household" for s in cat.services_for("household"))
    assert all(s.department == "land" for s in cat.services_for("land"))
    assert all(s.at_counter for s in cat.services_for("land"))


def test_nineteen_services_use_document_free_lookups(cat: Catalogue) -> None:
    with_lookups = {s.code for s in cat.services if s.document_free_lookups}
    assert with_lookups == DOCUMENT_FREE_SERVICES
    assert len(with_lookups) == 19
    used = set().union(*(s.document_free_lookups for s in cat.services))
    assert used == set(DOCUMENT_FREE_KINDS)
    assert cat.service("SA-DISABLED-PARKING").document_free_lookups == {"household_transcript"}


def test_document_free_kinds_are_the_nine_of_the_seed() -> None:
    assert dict(DOCUMENT_FREE_KINDS) == {
        "household_transcript": "戶籍謄本",
        "land_transcript": "土地登記簿謄本",
        "building_transcript": "建物登記簿謄本",
        "cadastral_map": "地籍圖",
        "building_survey_plan": "建物測量成果圖",
        "business_registration": "商業登記資料",
        "factory_registration": "工廠登記資料",
        "use_permit_stub": "使用執照存根",
        "land_use_zoning": "土地使用分區證明",
    }


def test_the_two_mms_pickup_services(cat: Catalogue) -> None:
    mms = [(s.code, s.name) for s in cat.services if s.mms_pickup]
    assert mms == [
        ("SA-DISABLED-PARKING", "身心障礙者專用停車識別證"),
        ("PW-USE-PERMIT-TRANSCRIPT", "使用執照謄本核發"),
    ]
    for code, _ in mms:
        assert "other_office" in cat.service(code).pickup_options


def test_personal_transcript_needs_moica_and_is_mailed(cat: Catalogue) -> None:
    svc = cat.service("HR-TRANSCRIPT-PERSONAL")
    assert svc.name == "請領個人戶籍謄本(全程式)"
    assert svc.requires_moica is True
    assert svc.pickup_options == ("mail",)
    assert sum(s.requires_moica for s in cat.services) == 11


def test_reservations_are_the_five_yuyue_services(cat: Catalogue) -> None:
    reserved = [s.code for s in cat.services if s.mode == "reservation"]
    assert reserved == [
        "HR-HOUSEHOLD-BOOK",
        "HR-TRANSCRIPT",
        "HR-TRANSCRIPT-EN",
        "HR-MOICA-CARD",
        "HR-DOORPLATE-CERT",
    ]
    assert all("(預約)" in cat.service(code).name for code in reserved)


def test_fees_are_whole_non_negative_ntd(raw: dict[str, Any]) -> None:
    prices = [f["unit_price"] for s in raw["services"] for f in s["fee_items"]]
    assert prices
    assert all(type(p) is int and p >= 0 for p in prices)
    assert sum(1 for s in raw["services"] if s["fee_items"]) == 14


def test_known_fees(cat: Catalogue) -> None:
    assert fee_total(cat.service("HR-TRANSCRIPT"), 1) == 15
    assert fee_total(cat.service("HR-TRANSCRIPT"), 3) == 45
    assert fee_total(cat.service("HR-TRANSCRIPT-EN"), 1) == 100
    assert fee_total(cat.service("HR-TRANSCRIPT-EN"), 3) == 130
    assert fee_total(cat.service("HR-HOUSEHOLD-BOOK"), 1) == 30
    assert fee_total(cat.service("UR-ZONING-CERT"), 4) == 80
    assert fee_total(cat.service("LR-TITLE-DEED-EXCHANGE"), 2) == 160
    assert fee_total(cat.service("LR-BOUNDARY-SURVEY"), 2) == 8000
    assert fee_total(cat.service("LR-CORRECTION"), 1) == 0


@pytest.mark.parametrize("copies", [0, -1, True])
def test_fee_total_rejects_bad_copies(cat: Catalogue, copies: int) -> None:
    with pytest.raises(DomainError) as info:
        fee_total(cat.service("HR-TRANSCRIPT"), copies)
    assert info.value.code == "catalogue.invalid_copies"


def test_every_department_exists(raw: dict[str, Any], cat: Catalogue) -> None:
    codes = {d["code"] for d in raw["departments"]}
    assert all(s["department"] in codes for s in raw["services"])
    assert all(k["department"] in codes for k in raw["kiosk"])
    with_services = {s.department for s in cat.services}
    assert len(with_services) == 14  # 13 county units, 民政處 appearing as its household offices
    assert cat.department("household").parent == "civil_affairs"
    assert cat.department("land").parent == "land_admin"


def test_usage_shares_are_positive_and_sum_to_one(cat: Catalogue) -> None:
    shares = [s.usage_share for s in cat.services]
    assert all(share > 0 for share in shares)
    assert math.isclose(sum(shares), 1.0, abs_tol=1e-4)
    biggest = max(cat.services, key=lambda s: s.usage_share)
    assert biggest.code == "HR-TRANSCRIPT"


def test_time_limits_from_seed_table_4(cat: Catalogue) -> None:
    assert cat.service("SA-DISABLED-PARKING").time_limit_working_days == 1
    assert cat.service("SA-EMERGENCY-AID").time_limit_working_days == 23
    assert cat.service("WR-SOIL-CONSERVATION-QUERY").time_limit_working_days == 7
    assert cat.service("LA-SCRIVENER-LICENSE").time_limit_working_days == 3
    assert cat.service("AG-PROTECTED-AREA-QUERY").time_limit_working_days == 5
    assert all(s.time_limit_working_days >= 0 for s in cat.services)


def test_intake_fields(cat: Catalogue) -> None:
    transcript = cat.service("HR-TRANSCRIPT")
    kind = transcript.field("transcript_kind")
    assert kind.type == "choice"
    assert kind.choices == ("現戶", "全戶", "個人")
    assert transcript.field("registered_address").type == "address"
    parcel = cat.service("LR-LAND-TRANSCRIPT").field("parcel")
    assert (parcel.type, parcel.required, parcel.label) == ("land_parcel", True, "地段地號")
    with pytest.raises(DomainError):
        transcript.field("nope")
    for svc in cat.services:
        assert svc.fields, svc.code
        assert svc.required_documents, svc.code


def test_offices(cat: Catalogue, raw_offices: dict[str, Any]) -> None:
    household = cat.offices_of_kind("household")
    land = cat.offices_of_kind("land")
    assert [o.code for o in household] == [f"H{i:02d}" for i in range(1, 14)]
    assert [o.code for o in land] == [f"L{i:02d}" for i in range(1, 8)]
    assert cat.office("H01").name == "桃園市桃園戶政事務所"
    assert cat.office("H13").name == "桃園市復興戶政事務所"
    assert cat.office("L07").name == "桃園市平鎮地政事務所"
    assert all(o.mms_pickup for o in household + land)
    assert cat.office("H02").opens == time(8, 0)
    assert cat.office("H02").closes == time(17, 0)
    assert cat.office("H02").is_open_at(time(16, 59))
    assert not cat.office("H02").is_open_at(time(17, 0))
    assert len({o["name"] for o in raw_offices["offices"]}) == 32


def test_kiosk(cat: Catalogue) -> None:
    kinds = [k.kind for k in cat.kiosk]
    assert kinds.count("service") == 14
    assert sum(1 for k in cat.kiosk if k.kind == "service" and not k.existing_online) == 8
    fine = cat.kiosk_item("K-FINE")
    assert fine.kind == "fine"
    assert fine.fine_limit == 20000
    assert fine.accepts_amount(20000)
    assert not fine.accepts_amount(20001)
    assert cat.kiosk_item("K-LR-BOUNDARY-SURVEY").service_code == "LR-BOUNDARY-SURVEY"


# -- lookups that fail ----------------------------------------------------------------------------


def test_unknown_service_code(cat: Catalogue) -> None:
    with pytest.raises(DomainError) as info:
        cat.service("nope")
    assert info.value.code == "catalogue.unknown_service"
    assert info.value.message_zh == "查無此申辦項目代碼：nope"
    assert not cat.has_service("nope")


def test_unknown_office_and_kind(cat: Catalogue) -> None:
    with pytest.raises(DomainError) as info:
        cat.office("H99")
    assert info.value.code == "catalogue.unknown_office"
    with pytest.raises(DomainError) as info:
        cat.services_for("tax")
    assert info.value.code == "catalogue.unknown_office_kind"


def test_offices_are_optional(raw: dict[str, Any]) -> None:
    bare = Catalogue.from_dict(raw)
    assert bare.offices == ()
    assert len(bare.services) == 63


# -- validation of bad data ----------------------------------------------------------------------


def test_duplicate_service_code(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][1]["code"] = data["services"][0]["code"]
    err = _rejects(data, "catalogue.duplicate_code")
    assert err.field == "services[1].code"


def test_unknown_lookup_kind(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][7]["document_free_lookups"] = ["household_transcript", "passport"]
    err = _rejects(data, "catalogue.unknown_lookup_kind")
    assert err.field == "services[7].document_free_lookups[1]"


def test_negative_price(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][1]["fee_items"][0]["unit_price"] = -15
    _rejects(data, "catalogue.negative_price")


def test_price_must_be_an_int(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][1]["fee_items"][0]["unit_price"] = 15.5
    _rejects(data, "catalogue.invalid")


def test_unknown_department(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][0]["department"] = "ministry_of_magic"
    err = _rejects(data, "catalogue.unknown_department")
    assert err.field == "services[0].department"


def test_duplicate_department(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["departments"].append(copy.deepcopy(data["departments"][0]))
    _rejects(data, "catalogue.duplicate_code")


def test_kiosk_pointing_to_unknown_service(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["kiosk"][0]["service_code"] = "HR-NOPE"
    _rejects(data, "catalogue.unknown_service")


@pytest.mark.parametrize(
    ("index", "key", "value"),
    [
        (0, "office_kind", "police"),
        (0, "mode", "online"),
        (0, "pickup_options", ["drone"]),
        (0, "pickup_options", []),
        (0, "usage_share", 0),
        (0, "time_limit_working_days", -1),
        (0, "requires_moica", "yes"),
        (0, "code", "hr transcript"),
        (7, "pickup_options", ["mail"]),  # MMS pickup without pickup at another office
    ],
)
def test_invalid_service_values(raw: dict[str, Any], index: int, key: str, value: Any) -> None:
    data = copy.deepcopy(raw)
    data["services"][index][key] = value
    _rejects(data, "catalogue.invalid")


def test_missing_key(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    del data["services"][3]["name"]
    err = _rejects(data, "catalogue.invalid")
    assert err.field == "services[3].name"


def test_choice_field_needs_choices(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    spec = next(f for f in data["services"][1]["fields"] if f["type"] == "choice")
    spec["choices"] = []
    _rejects(data, "catalogue.invalid")
    data = copy.deepcopy(raw)
    data["services"][1]["fields"][0]["choices"] = ["a", "b"]  # an address field
    _rejects(data, "catalogue.invalid")


def test_copies_is_not_a_service_field(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["services"][1]["fields"].append(
        {"key": "copies", "label": "份數", "label_en": "Copies", "type": "int", "required": True}
    )
    err = _rejects(data, "catalogue.invalid")
    assert err.field == "services[1].fields[3].key"


def test_bad_office_data(raw: dict[str, Any], raw_offices: dict[str, Any]) -> None:
    offices = copy.deepcopy(raw_offices)
    offices["offices"][1]["code"] = "H01"
    _rejects(raw, "catalogue.duplicate_code", offices)
    offices = copy.deepcopy(raw_offices)
    offices["offices"][0]["hours"] = {"opens": "17:00", "closes": "08:00"}
    _rejects(raw, "catalogue.invalid", offices)
    offices = copy.deepcopy(raw_offices)
    offices["offices"][0]["kind"] = "land"  # code H01 says household
    _rejects(raw, "catalogue.invalid", offices)


def test_service_name_falls_back_to_the_code_of_a_retired_service(cat: Catalogue) -> None:
    assert cat.service_name("HR-TRANSCRIPT") == cat.service("HR-TRANSCRIPT").name
    assert cat.service_name("HR-RETIRED-2008") == "HR-RETIRED-2008"


def test_county_department_desks(cat: Catalogue) -> None:
    desks = cat.offices_of_kind("county_department")
    assert [o.code for o in desks] == [f"D{i:02d}" for i in range(1, 13)]
    with_county_services = [
        d.code
        for d in cat.departments
        if any(s.department == d.code and s.office_kind == "county" for s in cat.services)
    ]
    assert [o.department for o in desks] == with_county_services
    assert sum(len(cat.services_at(o)) for o in desks) == 47
    assert cat.office("D01").name == "桃園市政府社會局"
    assert [s.code for s in cat.services_at(cat.office("D12"))] == [
        s.code for s in cat.services if s.department == "land_admin"
    ]
    assert not any(o.mms_pickup for o in desks)
    assert cat.takes_in(cat.office("D01"), cat.service("SA-EMERGENCY-AID"))
    assert not cat.takes_in(cat.office("D01"), cat.service("HB-DIABETES-CPD"))
    assert not cat.takes_in(cat.office("D01"), cat.service("HR-TRANSCRIPT"))
    assert not cat.takes_in(cat.office("H01"), cat.service("SA-EMERGENCY-AID"))
    assert not cat.takes_in(cat.office("H01"), cat.service("LR-CORRECTION"))
    assert cat.takes_in(cat.office("L01"), cat.service("LR-CORRECTION"))


def test_a_department_desk_needs_a_department_with_county_services(
    raw: dict[str, Any], raw_offices: dict[str, Any]
) -> None:
    desk = next(o for o in raw_offices["offices"] if o["code"] == "D01")
    for bad in ({"department": "household"}, {"department": None}, {"code": "H99"}):
        offices = copy.deepcopy(raw_offices)
        offices["offices"].append({**desk, "code": "D99", **bad})
        with pytest.raises(DomainError):
            Catalogue.from_dict(raw, offices)
