"""HTML pieces of the QA report: the batch index, per-document sections, inline CSS.

Pure string building over the output tables (as lists of dicts) and the picture
paths already drawn; no templates, nothing fetched from elsewhere, so the pages
open from disk anywhere. The index carries one small inline script that sorts
and filters its table (a folder of 4,000 documents needs both, without a server).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

Row = dict[str, Any]

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:24px;color:#222;max-width:1300px}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #4a7ab5;padding-bottom:4px;margin-top:36px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37}.fail,.failed{color:#c62828;font-weight:bold}.partial,.skip{color:#a36b00}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumbs figure{margin:0;font-size:12px;text-align:center}
.thumbs img{border:1px solid #999;height:260px}
.pic{position:relative;display:inline-block;line-height:0;margin:2px}.pic img{display:block}
.pic .box{position:absolute;border:2px solid #dc2828;box-sizing:border-box}
img.thumb{border:1px solid #999;height:160px}
.crop{max-width:560px;border:1px solid #999}
.chart text{font-size:12px}.chart .cap{font-weight:bold}
details{margin:6px 0}summary{cursor:pointer;font-weight:bold}
.muted{color:#777;font-size:12px}
table.index th{cursor:pointer;user-select:none}
table.index th.asc:after{content:" ▲"}table.index th.desc:after{content:" ▼"}
#filter{margin:6px 0 10px;padding:4px 8px;width:360px}
"""

#: Sorts the index by a clicked header (numbers as numbers) and filters its rows by the
#: text typed (all words must match) and the status chosen.
SORT_FILTER_JS = r"""
(function(){
var t=document.querySelector('table.index');if(!t)return;var body=t.tBodies[0],heads=t.tHead.rows[0].cells;
var q=document.getElementById('filter'),st=document.getElementById('status-filter');
function key(r,i){var v=r.cells[i].textContent.trim(),n=parseFloat(v);
 return (v!==''&&!isNaN(n)&&isFinite(v))?n:v.toLowerCase();}
function sort(i,asc){Array.prototype.forEach.call(heads,function(h){h.classList.remove('asc','desc');});
 heads[i].classList.add(asc?'asc':'desc');var rows=Array.prototype.slice.call(body.rows);
 rows.sort(function(a,b){var x=key(a,i),y=key(b,i);if(typeof x!==typeof y){x=String(x);y=String(y);}
  return (x<y?-1:x>y?1:0)*(asc?1:-1);});rows.forEach(function(r){body.appendChild(r);});}
function apply(){var words=q.value.toLowerCase().split(/\s+/).filter(Boolean),s=st.value,shown=0;
 Array.prototype.forEach.call(body.rows,function(r){var text=r.textContent.toLowerCase();
  var ok=words.every(function(w){return text.indexOf(w)>=0;})&&(!s||r.getAttribute('data-status')===s);
  r.style.display=ok?'':'none';if(ok)shown++;});document.getElementById('shown').textContent=shown;}
Array.prototype.forEach.call(heads,function(th,i){th.addEventListener('click',function(){
 sort(i,!th.classList.contains('asc'));});});
q.addEventListener('input',apply);st.addEventListener('change',apply);
// a link can carry the view: report.html#status=failed&q=timeout&sort=failed:desc
var p=new URLSearchParams(location.hash.slice(1));q.value=p.get('q')||'';st.value=p.get('status')||'';
var by=(p.get('sort')||'').split(':');Array.prototype.forEach.call(heads,function(h,i){
 if(h.textContent===by[0])sort(i,by[1]!=='desc');});apply();
})();
"""


def picture(src: str, boxes: list[list[float]], cls: str, alt: str) -> str:
    """An image with red boxes drawn over it (``boxes``: [x0, top, x1, bottom] as fractions of its size)."""
    marks = "".join(f'<span class="box" style="left:{x0:.2%};top:{t:.2%};width:{x1 - x0:.2%};height:{b - t:.2%}">'
                    "</span>" for x0, t, x1, b in boxes)
    return f'<span class="pic"><img class="{cls}" src="{escape(src)}" alt="{escape(alt)}">{marks}</span>'


def page(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}{tail}</body></html>")


def cell(value: Any, cls: str = "") -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return f'<td class="{cls}">{escape(text)}</td>' if cls else f"<td>{escape(text)}</td>"


def table(headers: list[str], rows: list[str], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="{cls}"><tr>{head}</tr>{"".join(rows)}</table>'


def index(documents: list[Row], counts: dict[str, dict[str, int]], projects: dict[str, int], prefix: str) -> str:
    """The batch index: totals, then one row per file linking to its page under ``prefix``."""
    rows = []
    for d in documents:
        c = counts.get(d["doc_id"], {})
        target = d.get("duplicate_of") or d["doc_id"]
        link = f'<a href="{escape(prefix + str(target))}.html">{escape(str(d["path"]))}</a>'
        fails = c.get("fail", 0)
        status = str(d.get("status"))
        rows.append(f'<tr class="doc-row" data-status="{escape(status)}"><td>{link}</td>{cell(status, status)}'
                    f'{cell(d.get("pages"), "num")}{cell(d.get("text_pages"), "num")}{cell(d.get("ocr_pages"), "num")}'
                    f'{cell(d.get("seconds"), "num")}{cell(d.get("n_tables"), "num")}'
                    f'{cell(projects.get(d["doc_id"], 0), "num")}{cell(c.get("pass", 0), "num ok")}'
                    f'{cell(fails, "num fail" if fails else "num")}{cell(c.get("skip", 0), "num")}'
                    f'{cell(d.get("error"))}</tr>')
    totals = {k: sum(c.get(k, 0) for c in counts.values()) for k in ("pass", "fail", "skip")}
    by_status = {s: sum(1 for d in documents if d.get("status") == s) for s in ("ok", "partial", "failed")}
    head = ["file", "status", "pages", "text", "OCR", "seconds", "tables", "projects", "checks passed", "failed",
            "skipped", "error"]
    options = "".join(f'<option value="{s}">{s} ({n})</option>' for s, n in by_status.items())
    controls = ('<p><input id="filter" type="search" placeholder="filter: file, unit, error…"> '
                f'<select id="status-filter"><option value="">every status</option>{options}</select> '
                f'<span class="muted"><span id="shown">{len(documents)}</span> shown</span></p>')
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (f"<p>{len(documents)} files: {by_status['ok']} ok, {by_status['partial']} partial, "
            f"{by_status['failed']} failed; checks: {totals['pass']} passed, "
            f"<span class=\"fail\">{totals['fail']} failed</span>, {totals['skip']} skipped.</p>" + controls
            + f'<table class="index"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def tables_section(tables: list[Row], thumbs: dict[int, str]) -> str:
    rows = [f"<tr>{cell(t.get('table_no'), 'num')}{cell(t.get('table_key'))}{cell(t.get('title'))}"
            f"{cell(t.get('unit_of_measure'))}{cell(_pages(t))}{cell(t.get('n_rows'), 'num')}"
            f"{cell(t.get('has_data'))}{cell(t.get('method'))}</tr>" for t in tables]
    figs = "".join(f'<figure>{pic}<figcaption>page {n}</figcaption></figure>' for n, pic in sorted(thumbs.items()))
    pics = f'<div class="thumbs">{figs}</div>' if figs else '<p class="muted">no page pictures (PDF not found)</p>'
    return ("<h3>Tables found</h3>" + table(["no", "key", "title", "unit", "pages", "rows", "data", "method"], rows)
            + pics)


def _pages(t: Row) -> str:
    a, b = t.get("page_first"), t.get("page_last")
    return f"{a}" if a == b else f"{a}–{b}"


def checks_section(checks: list[Row], crops: dict[int, str]) -> str:
    """Failing checks with their crops; then the count of each kind of check."""
    failing = [(i, c) for i, c in enumerate(checks) if c["status"] == "fail"]
    rows = []
    for i, c in failing:
        pic = crops.get(i, "")
        rows.append(f'<tr class="failing-check">{cell(c["check"], "fail")}{cell(c["location"])}'
                    f'{cell(c["expected"], "num")}{cell(c["actual"], "num")}{cell(c["detail"])}<td>{pic}</td></tr>')
    kinds: dict[str, dict[str, int]] = {}
    for c in checks:
        kinds.setdefault(c["check"], {"pass": 0, "fail": 0, "skip": 0})[c["status"]] += 1
    kind_rows = [f"<tr>{cell(k)}{cell(v['pass'], 'num ok')}{cell(v['fail'], 'num fail' if v['fail'] else 'num')}"
                 f"{cell(v['skip'], 'num')}</tr>" for k, v in sorted(kinds.items())]
    head = f"<h3>Failing checks ({len(failing)})</h3>"
    body = (table(["check", "location", "expected", "actual", "detail", "page region"], rows, "failing")
            if failing else '<p class="ok">no failing check</p>')
    notes = [c for c in checks if c["status"] == "pass" and "tolerance" in str(c.get("detail"))]
    tol = f'<p class="muted">{len(notes)} checks passed only within the rounding tolerance.</p>' if notes else ""
    return (head + body + tol + "<details><summary>All checks by kind</summary>"
            + table(["check", "pass", "fail", "skip"], kind_rows) + "</details>")


def conflicts_section(conflicts: list[Row], pictures: dict[int, list[str]] | None = None) -> str:
    """Every conflict with its variants, the choice and why, and the pages each variant was read on."""
    if not conflicts:
        return ""
    pictures = pictures or {}
    rows = []
    for i, c in enumerate(conflicts):
        try:
            variants = json.loads(c.get("values") or "[]")
        except (TypeError, ValueError):
            variants = [c.get("values")]
        items = "".join(f"<li>{escape(json.dumps(v, ensure_ascii=False)[:400])}</li>" for v in variants)
        thumbs = "".join(pictures.get(i, []))
        rows.append(f"<tr>{cell(c.get('entity'))}{cell(c.get('key'))}{cell(c.get('field'))}<td><ol>{items}</ol></td>"
                    f"{cell(str(c.get('chosen') or '')[:200])}{cell(c.get('reason'))}<td>{thumbs}</td></tr>")
    return (f"<details><summary>Conflicts ({len(conflicts)})</summary>"
            + table(["entity", "key", "field", "variants", "chosen", "reason", "read on"], rows) + "</details>")


def projects_section(projects: list[Row], indicators: list[Row]) -> str:
    if not projects:
        return ""
    rows = [f"<tr>{cell(p.get('project_name'))}{cell(p.get('implementing_unit'))}"
            f"{cell(_money(p.get('funds_total')), 'num')}"
            f"{cell(_money(p.get('funds_annual')), 'num')}{cell(p.get('pages'))}{cell(p.get('copies'), 'num')}"
            f"{cell(p.get('conflicts'), 'num')}</tr>" for p in projects]
    ind = [f"<tr>{cell(i.get('project_name'))}{cell(i.get('scope'))}{cell(i.get('level1'))}{cell(i.get('level2'))}"
           f"{cell(i.get('level3'))}{cell(i.get('value_raw'))}</tr>" for i in indicators]
    return (f"<h3>Projects ({len(projects)})</h3>"
            + table(["project", "implementing unit", "funds total (元)", "annual (元)", "pages", "copies",
                     "conflicts"], rows)
            + f"<details><summary>Indicators ({len(indicators)})</summary>"
            + table(["project", "scope", "level 1", "level 2", "level 3", "value"], ind) + "</details>")


def _money(v: Any) -> str:
    try:
        return f"{float(v):,.2f}"
    except (TypeError, ValueError):
        return ""
