"""Figures printed in the customer's own reports (../shared/seeds), as the tests expect to find them."""

from __future__ import annotations

# Seed 000 (嘉義縣): 107-109強化社會安全網心理衛生社工服務轉介數, in the seed's order; total 450.
SEED_000_REFERRALS = {
    "精神安置機構": 35,
    "心衛中心到宅精神鑑定": 1,
    "就業服務": 30,
    "身障職業重建服務": 13,
    "長期照顧服務": 26,
    "警政失聯協尋": 7,
    "社福中心": 26,
    "急難救助": 5,
    "慈善協會及慈善團體": 307,
}
