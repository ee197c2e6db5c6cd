"""Money units: 元 per printed unit, and the one conversion to 元.

Tables print 单位：万元 (or 元, 千元, 亿元); the contract stores form amounts in
元. :data:`UNIT_TO_YUAN` is the only table of factors and :func:`to_yuan` the
only conversion; a unit in another unit (the narrative check works in 万元) is
:func:`per_unit`.

What a *missing* unit means depends on where the figure comes from, so no
default is built in: each caller names it.

* A project-expenditure table read inside the pipeline (dedupe's tie-break)
  always carries the unit its title printed; a table whose unit was not found
  is taken as 元 (``missing="元"``), so an unknown unit never scales a figure.
* The checks (``form_vs_project_table``, the narrative quotes) read tables
  that print 万元 by convention (预算公开 tables are in 万元 unless they say
  otherwise), so there a missing unit is 万元 (``missing="万元"``).

A unit outside the table counts as missing.
"""

from __future__ import annotations

#: 元 in one of each printed money unit: 元 yuan, 千元 thousand, 万元 ten thousand, 亿元 hundred million.
UNIT_TO_YUAN: dict[str, float] = {"元": 1.0, "千元": 1000.0, "万元": 10000.0, "亿元": 100000000.0}

#: The unit words, longest first (万元 before 元), for matching a unit at the end of a text.
UNITS_LONGEST_FIRST = tuple(sorted(UNIT_TO_YUAN, key=len, reverse=True))
#: Regex alternation of the unit words, longest first.
UNIT_WORDS = "|".join(UNITS_LONGEST_FIRST)

#: 元 per 万元, the unit most tables print (a figure in 元 / this = the figure in 万元).
YUAN_PER_WAN = UNIT_TO_YUAN["万元"]


def yuan_per(unit: str | None, missing: str) -> float:
    """元 in one ``unit``; ``missing`` is the unit assumed when none (or an unknown one) is printed."""
    return UNIT_TO_YUAN.get(unit or missing, UNIT_TO_YUAN[missing])


def to_yuan(amount: float, unit: str | None, missing: str) -> float:
    """``amount`` printed in ``unit`` as 元 (``missing``: the unit assumed when none is printed)."""
    return amount * yuan_per(unit, missing)


def per_unit(unit: str | None, per: str, missing: str) -> float:
    """How many ``per`` one ``unit`` is (亿元 per 万元 → 10000.0, 元 per 万元 → 0.0001)."""
    return yuan_per(unit, missing) / UNIT_TO_YUAN[per]
