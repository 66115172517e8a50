#!/usr/bin/env bash
# Build the one-folder bundle dist/operator-desk/ with PyInstaller (build.spec) and smoke-test it.
#
#   scripts/build_desk.sh                 # build + smoke test; screenshot at /tmp/frozen.png
#   SKIP_BUILD=1 scripts/build_desk.sh    # smoke-test the existing dist/ only
#
# Environment: PYTHON (default .venv/bin/python), OPERATOR_DESK_REGION (default ../shared/regions/banjar
# beside the repository), SMOKE_SCREENSHOT (default /tmp/frozen.png), BUILD_CLEAN=0 to reuse PyInstaller's
# cache (faster; the default --clean gives a from-scratch build), COMPRESSED_SIZE=1 to also print the
# tar.gz size of the bundle.
#
# What the smoke test proves, each step failing the script with a reason:
#  1. the bundle has both executables, the bundled libportaudio.so.2 (all its deps resolvable), the compiled
#     Indonesian .qm, and none of the Qt modules build.spec excludes (a size regression guard);
#  2. it runs RELOCATED (copied to a temp dir) with an EMPTY environment (env -i: minimal PATH, no
#     LD_LIBRARY_PATH, no venv) and with the SYSTEM PortAudio HIDDEN: in a private mount namespace every
#     system libportaudio file is bind-mounted over by /dev/null, so loading it fails ("file too short").
#     A negative control shows the venv's own `import sounddevice` fails in that sandbox;
#  3. inside that sandbox the frozen desk (same executable, its runtime hooks) imports sounddevice and
#     soundfile, and /proc/self/maps shows that the libportaudio it mapped is the bundled copy;
#  4. the desk starts with --demo --lang id, renders the main window and exits 0; PNG > 50 KB; and, when
#     Xvfb is installed, starts again on the xcb platform plugin (the one operator PCs use);
#  5. lazily imported layers are in the bundle: `gazetteer` (geo), `report --format pdf` (reportlab),
#     `check` (store); the hub executable enrols a site and answers GET /health over uvicorn.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
REGION="${OPERATOR_DESK_REGION:-$ROOT/../shared/regions/banjar}"
SHOT="${SMOKE_SCREENSHOT:-/tmp/frozen.png}"
DIST="$ROOT/dist/operator-desk"
PYI_VERSION="6.22.3"
MIN_PNG_BYTES=51200

fail() { echo "build_desk: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[[ -x "$PY" ]] || fail "no Python at $PY (create .venv or set PYTHON)"
[[ -d "$REGION" ]] || fail "region pack not found: $REGION"
REGION="$(cd "$REGION" && pwd)"

# ---------------------------------------------------------------------------------------------- build
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
    have="$("$PY" -c 'import PyInstaller; print(PyInstaller.__version__)' 2>/dev/null || true)"
    [[ "$have" == "$PYI_VERSION" ]] || fail "PyInstaller $PYI_VERSION needed, found '${have:-none}' (pip install pyinstaller==$PYI_VERSION)"
    clean=(--clean)
    [[ "${BUILD_CLEAN:-1}" == "0" ]] && clean=()
    step "PyInstaller $PYI_VERSION: build.spec -> dist/operator-desk"
    log="$ROOT/build/pyinstaller.log"
    mkdir -p "$ROOT/build"
    t0=$(date +%s.%N)
    if ! (cd "$ROOT" && "$PY" -m PyInstaller --noconfirm "${clean[@]}" --log-level WARN \
            --distpath "$ROOT/dist" --workpath "$ROOT/build" build.spec) >"$log" 2>&1; then
        tail -30 "$log" >&2
        fail "PyInstaller failed (full log: $log)"
    fi
    t1=$(date +%s.%N)
    BUILD_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    echo "build time: ${BUILD_SECONDS} s (log: $log)"
fi

# ------------------------------------------------------------------------------------ static checks
step "bundle contents"
for exe in operator-desk operator-desk-server; do
    [[ -x "$DIST/$exe" ]] || fail "missing executable $DIST/$exe"
done
PA="$(ls "$DIST"/_internal/libportaudio.so* 2>/dev/null | head -1 || true)"
[[ -n "$PA" ]] || fail "bundled libportaudio missing in $DIST/_internal (is libportaudio2 installed on the build machine?)"
if ldd "$PA" | grep -q "not found"; then
    ldd "$PA" >&2
    fail "bundled $(basename "$PA") has unresolved dependencies"
fi
[[ -s "$DIST/_internal/resources/translations/operator_desk_id.qm" ]] || fail "compiled translation operator_desk_id.qm not bundled"
unwanted="$(find "$DIST/_internal" \( -name 'libQt6WebEngine*' -o -name 'libQt6Qml*' -o -name 'libQt6Quick*' \
    -o -name 'libQt6Pdf*' -o -name 'libQt6Designer*' -o -name 'libQt63D*' -o -name 'libQt6Multimedia*' \
    -o -name 'libqgtk3.so' -o -name 'libqeglfs.so' \) | head -5)"
[[ -z "$unwanted" ]] || fail "excluded Qt parts found in the bundle: $unwanted"
echo "ok: 2 executables, $(basename "$PA"), operator_desk_id.qm, no QtQml/QtQuick/QtWebEngine/QtPdf/Qt3D/QtMultimedia"

# ------------------------------------------------------------------- relocated copy + hidden PortAudio
WORK="$(mktemp -d /tmp/desk-smoke.XXXXXX)"
SERVER_PID=""
XVFB_PID=""
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cp -a "$DIST" "$WORK/app"
APP="$WORK/app"
mkdir -p "$WORK/home" "$WORK/data" "$WORK/hub"

# Every file the system's loader could use for libportaudio (ld.so cache entries, resolved).
mapfile -t SYS_PA < <(ldconfig -p 2>/dev/null | awk '/libportaudio/ { print $NF }' | xargs -r -n1 readlink -f | sort -u)
HIDE=""
for f in "${SYS_PA[@]}"; do HIDE+="mount --bind /dev/null '$f' && "; done

# CLEAN=(command prefix) runs a command with an empty environment and, when possible, the system
# PortAudio hidden. unshare, sh and env all exec, so "${CLEAN[@]}" cmd & leaves $! = the command's PID.
SANDBOX="none"
set_clean() {
    CLEAN=(env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
           XDG_RUNTIME_DIR="$WORK/home")
    if [[ "$SANDBOX" != "none" ]]; then
        # shellcheck disable=SC2206
        CLEAN=(unshare $SANDBOX sh -c "${HIDE}exec \"\$@\"" sh "${CLEAN[@]}")
    fi
}
run_clean() { "${CLEAN[@]}" "$@"; }
set_clean
if [[ ${#SYS_PA[@]} -eq 0 ]]; then
    SANDBOX="none"
    echo "note: this machine has no system libportaudio; the clean environment alone is the proof"
else
    for opt in "-m" "-r -m"; do
        if unshare $opt sh -c "${HIDE}true" 2>/dev/null; then SANDBOX="$opt"; break; fi
    done
    set_clean
    if [[ "$SANDBOX" == "none" ]]; then
        echo "WARNING: cannot hide the system PortAudio (no mount namespace: needs root or user namespaces);"
        echo "         falling back to the weaker proof: the library mapped by the desk is the bundled copy."
    else
        step "sandbox: unshare $SANDBOX, /dev/null over ${SYS_PA[*]}"
        if run_clean "$PY" -c "import sounddevice" >/dev/null 2>&1; then
            fail "negative control: the venv could still load the system PortAudio inside the sandbox"
        fi
        echo "ok: negative control - the venv's 'import sounddevice' fails in the sandbox"
    fi
fi

step "frozen desk: --demo --operator Smoke --lang id --screenshot $SHOT (relocated to $APP)"
rm -f "$SHOT"
t0=$(date +%s.%N)
set +e
run_clean env OPERATOR_DESK_AUDIO_PROBE="$WORK/probe.json" "$APP/operator-desk" --data-dir "$WORK/data" \
    --region "$REGION" --demo --operator Smoke --lang id --screenshot "$SHOT" >"$WORK/desk.out" 2>"$WORK/desk.err"
rc=$?
set -e
t1=$(date +%s.%N)
if [[ $rc -ne 0 ]]; then
    tail -20 "$WORK/desk.err" >&2
    fail "frozen desk exited $rc"
fi
[[ -f "$SHOT" ]] || fail "no screenshot written at $SHOT"
size=$(stat -c %s "$SHOT")
[[ $size -gt $MIN_PNG_BYTES ]] || fail "screenshot only $size bytes (expected > $MIN_PNG_BYTES): blank window?"
[[ "$(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] || fail "$SHOT is not a PNG"
echo "ok: exit 0 in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, $SHOT is $size bytes"

"$PY" - "$WORK/probe.json" "$APP/_internal" <<'EOF' || fail "audio probe: the frozen desk did not use the bundled PortAudio"
import json, os, sys
report, internal = json.load(open(sys.argv[1])), os.path.realpath(sys.argv[2])
print("probe:", json.dumps({k: report.get(k) for k in ("ok", "portaudio_lib", "portaudio_version", "mapped", "error")}))
assert report["ok"], report["error"]
pa = [p for p in report["mapped"] if "libportaudio" in os.path.basename(p)]
assert len(pa) == 1 and os.path.realpath(pa[0]).startswith(internal + os.sep), f"mapped PortAudio: {pa}"
assert os.path.realpath(report["portaudio_lib"]).startswith(internal + os.sep), report["portaudio_lib"]
print("ok: sounddevice + soundfile import in the frozen desk; PortAudio mapped from", pa[0])
EOF

step "frozen desk on X11 (xcb platform plugin, what operator PCs use) under Xvfb"
if command -v Xvfb >/dev/null 2>&1; then
    Xvfb -displayfd 9 -screen 0 1440x900x24 -nolisten tcp 9>"$WORK/xvfb.display" 2>"$WORK/xvfb.err" &
    XVFB_PID=$!
    for _ in $(seq 1 100); do [[ -s "$WORK/xvfb.display" ]] && break; sleep 0.1; done
    [[ -s "$WORK/xvfb.display" ]] || { cat "$WORK/xvfb.err" >&2; fail "Xvfb did not start"; }
    disp=":$(head -1 "$WORK/xvfb.display")"
    run_clean env DISPLAY="$disp" QT_QPA_PLATFORM=xcb "$APP/operator-desk" --data-dir "$WORK/data" \
        --region "$REGION" --operator Smoke --lang id --screenshot "$WORK/xcb.png" >/dev/null 2>"$WORK/xcb.err" \
        || { tail -20 "$WORK/xcb.err" >&2; fail "frozen desk failed on the xcb platform (DISPLAY=$disp)"; }
    xsize=$(stat -c %s "$WORK/xcb.png")
    [[ $xsize -gt $MIN_PNG_BYTES ]] || fail "xcb screenshot only $xsize bytes"
    kill "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
    XVFB_PID=""
    echo "ok: xcb on Xvfb $disp, screenshot $xsize bytes"
else
    echo "skipped: no Xvfb (apt-get install xvfb xauth); only the offscreen platform was tried"
fi

step "headless subcommands of the frozen desk"
run_clean "$APP/operator-desk" gazetteer --region "$REGION" Martapura --limit 1 >"$WORK/gaz.json" \
    || fail "gazetteer subcommand failed"
"$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); assert r and r[0]['name'], r" "$WORK/gaz.json" \
    || fail "gazetteer returned no match for Martapura"
day="$(date -u +%F)"
week_ago="$(date -u -d '8 days ago' +%F)"
run_clean "$APP/operator-desk" report --data-dir "$WORK/data" --from "$week_ago" --to "$day" --format pdf \
    --out "$WORK/report.pdf" >/dev/null || fail "report --format pdf failed"
[[ "$(head -c 4 "$WORK/report.pdf")" == "%PDF" ]] || fail "report.pdf is not a PDF"
run_clean "$APP/operator-desk" check --data-dir "$WORK/data" >/dev/null || fail "check reported problems"
echo "ok: gazetteer (geo), report PDF (reportlab) $(stat -c %s "$WORK/report.pdf") bytes, check (store)"

step "frozen hub: operator-desk-server"
run_clean "$APP/operator-desk-server" enroll --data-dir "$WORK/hub" --site smoke >"$WORK/enroll.json" \
    || fail "operator-desk-server enroll failed"
grep -q '"token"' "$WORK/enroll.json" || fail "enroll printed no token"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${CLEAN[@]}" "$APP/operator-desk-server" --data-dir "$WORK/hub" --port "$port" >"$WORK/hub.log" 2>&1 &
SERVER_PID=$!  # the hub itself (see set_clean), so cleanup() can stop it by this PID
code=""
for _ in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
    [[ "$code" == "200" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
done
[[ "$code" == "200" ]] || { cat "$WORK/hub.log" >&2; fail "hub did not answer GET /health (last status '${code}')"; }
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
kill -0 "$SERVER_PID" 2>/dev/null && fail "hub (PID $SERVER_PID) still running after SIGTERM"
SERVER_PID=""
echo "ok: enroll printed a token; GET /health -> 200 on port $port"

# --------------------------------------------------------------------------------------------- summary
step "summary"
if [[ -n "${BUILD_SECONDS:-}" ]]; then echo "build time:      ${BUILD_SECONDS} s"; fi
echo "dist size:       $(du -sh "$DIST" | cut -f1) on disk, $(du -sh --apparent-size "$DIST" | cut -f1) apparent ($DIST)"
if [[ "${COMPRESSED_SIZE:-0}" == "1" ]]; then  # ~10 s more: what a download/installer would weigh
    echo "compressed:      $(tar -C "$ROOT/dist" -czf - operator-desk | wc -c | awk '{ printf "%.0f MB", $1 / 1048576 }') (tar.gz)"
fi
echo "sandbox:         ${SANDBOX/none/none (weaker proof)}"
echo "screenshot:      $SHOT"
echo "SMOKE OK"
