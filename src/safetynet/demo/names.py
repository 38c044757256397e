"""Invented Taiwanese names: surnames drawn by their real frequency, given names from character pools.

Surname shares (percent of the population) follow the 內政部 全國姓名統計分析 of the 2010s: 陳 11.1,
林 8.3, 黃 6.0 … the first 30 as published, the rest rounded. Names of real people found in the
customer's documents are on `DENY_LIST` and are never produced.
"""

from __future__ import annotations

import random
from itertools import accumulate

SURNAMES: tuple[tuple[str, float], ...] = (
    ("陳", 11.1), ("林", 8.3), ("黃", 6.0), ("張", 5.3), ("李", 5.1), ("王", 4.1), ("吳", 4.0),
    ("劉", 3.2), ("蔡", 2.9), ("楊", 2.6), ("許", 2.3), ("鄭", 1.9), ("謝", 1.8), ("郭", 1.7),
    ("洪", 1.6), ("曾", 1.4), ("邱", 1.4), ("廖", 1.3), ("賴", 1.3), ("周", 1.2), ("徐", 1.1),
    ("蘇", 1.1), ("葉", 1.0), ("莊", 0.9), ("呂", 0.9), ("江", 0.9), ("何", 0.8), ("蕭", 0.8),
    ("羅", 0.8), ("高", 0.8), ("潘", 0.6), ("簡", 0.6), ("朱", 0.6), ("鍾", 0.6), ("游", 0.6),
    ("彭", 0.6), ("詹", 0.5), ("胡", 0.5), ("施", 0.5), ("沈", 0.5), ("余", 0.5), ("盧", 0.5),
    ("梁", 0.4), ("趙", 0.4), ("顏", 0.4), ("柯", 0.4), ("翁", 0.4), ("魏", 0.4), ("孫", 0.3),
    ("戴", 0.3),
)  # fmt: skip

# Given names are two characters: one from each pool of the person's sex.
GIVEN_FIRST = {
    "M": "志建俊家冠宗承柏彥信明文國正嘉宏哲育昱子宇品耀晉泓士聖振世永銘立",
    "F": "淑美雅怡佳欣宜靜詩思筱郁婉惠玉秀麗素雯珮佩亭品心若語芷子湘秋春",
}
GIVEN_SECOND = {
    "M": "豪宏傑偉銘翔賢廷翰緯宇軒維輝強榮成德安勳仁華彬霖恩諺凱睿祥鴻達民",
    "F": "芬玲娟婷君萍慧華如蓉琳瑜涵萱儀真貞珍雯庭琪穎妤蓁彤安茹嫻晴美",
}

# Spouses from abroad keep their own names, written in Chinese characters (Vietnamese style here).
FOREIGN_SURNAMES = "阮陳黎范黃武"
FOREIGN_GIVEN = {"M": "雄明山海龍勇青", "F": "秋梅蘭芳玉香鳳翠紅月雪草"}

# Real people named in the customer's documents (seeds 000 and 001): never generate them.
DENY_LIST = frozenset(
    {
        "龔郁雅",
        "蔡琬渝",
        "楊芷薇",
        "葉順真",
        "黃琪淇",
        "邱雅稜",
        "蔡期昇",
        "高瑞琳",
        "桑玉真",
        "林裕珍",
        "顏麗敏",
    }
)

_SURNAME_CHOICES = tuple(name for name, _ in SURNAMES)
_SURNAME_CUMULATIVE = tuple(accumulate(share for _, share in SURNAMES))


def surname(rng: random.Random) -> str:
    """A surname drawn by its share of the population."""
    return rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUMULATIVE)[0]


def _pools_sex(rng: random.Random, sex: str) -> str:
    return sex if sex in GIVEN_FIRST else rng.choice("MF")


def person_name(rng: random.Random, sex: str, *, family: str | None = None) -> str:
    """An invented full name for sex "M" or "F" (any other code picks either); `family` fixes the surname."""
    pools = _pools_sex(rng, sex)
    while True:
        name = (family or surname(rng)) + rng.choice(GIVEN_FIRST[pools]) + rng.choice(GIVEN_SECOND[pools])
        if name not in DENY_LIST:
            return name


def foreign_spouse_name(rng: random.Random, sex: str) -> str:
    """A name as a spouse from Vietnam writes it in Chinese characters, e.g. 阮氏秋香."""
    pools = _pools_sex(rng, sex)
    middle = "文" if pools == "M" else "氏"
    given = "".join(rng.sample(FOREIGN_GIVEN[pools], rng.choice((1, 2))))
    return rng.choice(FOREIGN_SURNAMES) + middle + given
