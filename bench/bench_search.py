"""Call-log search at 1,000,000 calls: the model's first page against the same raw SQL.

Run: .venv/bin/python bench/bench_search.py [N]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import med_ms, report, timeit
from big_store import big_store
from PySide6.QtCore import QCoreApplication

from operator_desk.store.database import connect
from operator_desk.store.store import Store
from operator_desk.ui.call_log_model import PAGE, CallFilter, CallLogModel

QUERIES = {
    "number fragment": CallFilter(text="81234"),
    "full national number": None,  # filled below from a real number
    "outcome filter": CallFilter(outcome="emergency"),
    "no filter": CallFilter(),
}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = big_store(n)
    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841
    store = Store(path)
    raw = connect(path)  # keyed, like the desk's own connections
    number = raw.execute("SELECT caller_raw FROM calls LIMIT 1 OFFSET 4242").fetchone()[0]
    QUERIES["full national number"] = CallFilter(text=number)
    model = CallLogModel(store)
    print(f"{n} calls in the store")
    for name, flt in QUERIES.items():
        assert flt is not None

        def ours(flt: CallFilter = flt) -> None:
            model.set_filter(flt)
            for r in range(min(model.rowCount(), 40)):  # what a view paints: the visible rows
                model.index(r, 1).data()

        sql, params = flt.page_sql(None, PAGE)  # the very SQL the model runs

        def floor(sql: str = sql, params: list = params) -> None:  # type: ignore[type-arg]
            ids = [r[0] for r in raw.execute(sql, params)]
            for i in ids[:40]:
                raw.execute("SELECT * FROM calls WHERE id=?", (i,)).fetchone()

        ours()
        floor()
        o = timeit(ours, 15)
        f = timeit(floor, 15)
        report(f"search '{name}' ({model.rowCount()} rows on first page)", med_ms(o), med_ms(f), 2.0)
    store.close()


if __name__ == "__main__":
    main()
