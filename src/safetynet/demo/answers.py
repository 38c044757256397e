"""What the demo's workers write: plausible answers to the instruments and short invented notes.

Answers are drawn in the shape `safetynet.cases.services.score` takes and use the codes of
`safetynet.domain.instruments` (items, factors, danger and protective codes), so a change of catalogue
shows up here as an error, not as made-up codes. Notes are generic phrases: nobody real is named.
"""

from __future__ import annotations

import random
from typing import Any

from safetynet.domain.instruments import bsrs5, sdm, tipvda, vulnerability

# --- instruments ------------------------------------------------------------------------------------


def bsrs5_answers(rng: random.Random, level: float, suicidal: float) -> dict[str, Any]:
    """Five items around `level` (the expected total, 0-20) and the suicide item, ≥2 with `suicidal`."""
    top = len(bsrs5.ANSWERS) - 1
    per_item = max(0.0, min(float(top), level / len(bsrs5.ITEMS)))
    items = [max(0, min(top, round(rng.gauss(per_item, 0.7)))) for _ in bsrs5.ITEMS]
    if rng.random() < suicidal:
        suicide = rng.choice((2, 2, 3))
    else:
        suicide = 1 if rng.random() < min(0.5, level / 20) else 0
    return {"items": items, "suicide": suicide}


def tipvda_total(rng: random.Random, reported: int | None, high_at: int) -> int:
    """The worker's TIPVDA at the first visit: near the score the report gave, else a fresh draw
    (about one in seven high, as in the report flow); `high_at` is the rule set's cut-off."""
    if reported is not None:
        total = reported + rng.choice((-1, 0, 0, 0, 1))
        if reported >= high_at:
            total = max(total, high_at)  # the police's high score is confirmed
        return max(0, min(len(tipvda.ITEMS), total))
    low, high = rng.choices(((0, 5), (6, 7), (8, 13)), (60, 26, 14))[0]
    return rng.randint(low, high)


def tipvda_answers(rng: random.Random, total: int) -> dict[str, Any]:
    yes = set(rng.sample(range(len(tipvda.ITEMS)), total))
    return {"answers": [index in yes for index in range(len(tipvda.ITEMS))]}


def sdm_safety_answers(rng: random.Random) -> dict[str, Any]:
    """Mostly safe, a third safe under a plan, a few unsafe (removal considered)."""
    danger_codes, protective_codes = list(sdm.SAFETY.danger), list(sdm.SAFETY.protective)
    outcome = rng.choices(("safe", "plan", "unsafe"), (60, 32, 8))[0]
    if outcome == "safe":
        return {"danger": [], "protective": rng.sample(protective_codes, rng.randint(2, 4)), "plan": False}
    danger = rng.sample(danger_codes, rng.randint(1, 2 if outcome == "plan" else 3))
    if outcome == "plan":
        return {"danger": danger, "protective": rng.sample(protective_codes, rng.randint(1, 3)), "plan": True}
    return {"danger": danger, "protective": [], "plan": False}


def vulnerability_answers(rng: random.Random, dimensions: tuple[str, ...]) -> dict[str, Any]:
    """A factor or two under each 面向 the report named (one or two anywhere when it named none)."""
    by_dimension = {d.code: [f.code for f in d.factors] for d in vulnerability.CATALOGUE.dimensions}
    chosen = [d for d in dimensions if d in by_dimension] or rng.sample(
        sorted(by_dimension), rng.randint(1, 2)
    )
    factors: set[str] = set()
    for dimension in chosen:
        codes = by_dimension[dimension]
        factors.update(rng.sample(codes, min(len(codes), rng.choice((1, 1, 2)))))
    return {"factors": sorted(factors)}


def psychiatric_answers(level: int) -> dict[str, Any]:
    return {"level": level}


# --- contacts ---------------------------------------------------------------------------------------

MINUTES = {
    "home_visit": (40, 120),
    "interview": (30, 90),
    "outreach": (30, 90),
    "phone": (15, 40),
    "network": (15, 30),
}
PLACES = {
    "home_visit": ("案家",),
    "interview": ("本中心會談室", "本中心會談室", "學校輔導室", "醫院會談室"),
    "outreach": ("社區活動中心", "案主工作地點", "村里辦公處"),
    "phone": ("",),
    "network": ("",),
}
WITH_WHOM = {
    "child": ("案主及案母", "案母", "案父", "案祖母", "案主"),
    "victim": ("案主", "案主", "案主及子女", "案主及案姊"),
    "respondent": ("案主", "案主", "案主及案母", "案主及家屬"),
    "family": ("案主", "案主及家屬", "案家屬"),
}
NETWORK = ("學校輔導老師", "衛生所公衛護理師", "派出所家防官", "醫院社工師", "就業服務員", "村里幹事", "里長")
NOTES = {
    "home_visit": (
        "案主在家，情緒尚穩定，討論近況與生活安排",
        "檢視居家環境與安全計畫執行情形",
        "了解照顧安排與經濟狀況，案家配合度佳",
        "案主表示近期睡眠改善，持續規律就醫",
        "與家屬討論衝突因應方式，氣氛較前次緩和",
        "案家經濟仍困難，說明補助申請流程",
    ),
    "interview": (
        "會談了解近況，案主願意持續接受服務",
        "討論服務計畫目標與下階段工作",
        "說明保護令與相關權益，案主表示了解",
        "案主情緒起伏，給予支持並討論求助管道",
    ),
    "outreach": ("外展接觸案主，了解生活與工作情形", "於社區與案主會面，確認近況與安全"),
    "phone": (
        "電話關懷，案主近況穩定",
        "電話聯繫確認就醫與服藥情形",
        "案主未接聽，改與家屬聯繫了解近況",
        "電話追蹤安全計畫，無新的暴力事件",
    ),
    "network": (
        "聯繫網絡單位了解個案近況",
        "與網絡單位討論分工與後續追蹤",
        "轉介資源並確認對方已受理",
    ),
}
NEXT_STEPS = (
    "下次訪視追蹤就醫情形",
    "持續追蹤安全計畫",
    "協助連結就業服務",
    "協助申請急難救助",
    "與學校保持聯繫",
    "下次會談檢視服務目標",
    "持續電話關懷",
)


def contact_text(rng: random.Random, kind: str, role: str) -> dict[str, Any]:
    """Place, who was met, note, next step and minutes of one contact, for `record_contact`."""
    low, high = MINUTES[kind]
    who = rng.choice(NETWORK) if kind == "network" else rng.choice(WITH_WHOM.get(role, ("案主",)))
    return {
        "minutes": rng.randrange(low, high + 1, 5),
        "place": rng.choice(PLACES[kind]),
        "with_whom": who,
        "note": rng.choice(NOTES[kind]),
        "next_step": rng.choice(NEXT_STEPS),
    }
