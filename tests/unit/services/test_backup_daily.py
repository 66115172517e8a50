"""Daily backups as a setting: due once a day, the newest N kept (with their key files), off when no
folder is set; the job runs on its own thread."""

from __future__ import annotations

import os
import time
from pathlib import Path

from operator_desk.services.backup import DailyBackupJob, run_daily
from operator_desk.services.calls import CallService
from operator_desk.store.store import Store


def _desk(tmp_path: Path) -> Path:
    data = tmp_path / "desk"
    store = Store(data / "desk.sqlite")
    CallService(store).close(CallService(store).ring("081200001111"), "ghost")
    store.close()
    return data


def test_a_backup_a_day_and_the_newest_kept(tmp_path: Path) -> None:
    data = _desk(tmp_path)
    folder = tmp_path / "backups"
    day = 86_400.0
    t0 = time.time() - 10 * day
    for i in range(5):
        out = run_daily(data, folder, keep=3, now=t0 + i * day)
        assert out is not None
        os.utime(out["out"], (t0 + i * day, t0 + i * day))  # as if written that day
        assert run_daily(data, folder, keep=3, now=t0 + i * day + 3600) is None  # not due again that day
    tars = sorted(f.name for f in folder.glob("desk-*.tar"))
    keys = sorted(f.name for f in folder.glob("desk-*.tar.key"))
    assert len(tars) == 3 and keys == [t + ".key" for t in tars]
    assert tars[0] == time.strftime("desk-%Y%m%dT%H%M%SZ.tar", time.gmtime(t0 + 2 * day))


def test_the_job_follows_the_settings_and_runs_on_its_own_thread(tmp_path: Path) -> None:
    data = _desk(tmp_path)
    assert DailyBackupJob.from_settings(data) is None  # no [backup] dir: off
    (data / "settings.toml").write_text('[backup]\ndir = "backups"\nkeep = 2\n')
    job = DailyBackupJob.from_settings(data)
    assert job is not None and job.folder == data / "backups" and job.keep == 2
    job.start()
    try:
        deadline = time.monotonic() + 30
        while job.last is None and job.error is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        job.stop()
    assert job.error is None and job.last is not None
    assert Path(job.last["out"]).exists()
