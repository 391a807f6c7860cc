#!/usr/bin/env bash
# Fuzz `extract` (and the decoder and HTML reader in front of it) for a bounded time with
# atheris. Usage: scripts/fuzz.sh [SECONDS]  (default 60). Exit status non-zero on a crash;
# the crashing input is left as ./crash-* for reproduction (python fuzz/extract_fuzz.py FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
py=.venv/bin/python
[ -x "$py" ] || py=python3
"$py" -c "import atheris" 2>/dev/null || "$py" -m pip install -q "atheris>=2.3"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: invented sentences of the genre, plain and as a small HTML page.
printf '%s\n' "Sáng 4/7/2024, Đảng ủy Quân sự tỉnh Sóc Trăng tổ chức hội nghị quán triệt Nghị quyết số 44-NQ/TW." \
    "Đồng chí Trịnh Hoài Nam, Bí thư Huyện ủy, chủ trì. Tặng Bằng khen cho 5 tập thể và 10 cá nhân." \
    > "$corpus/plain.txt"
printf '%s' "<html><body><p>Ngày 24/8, hội nghị sơ kết 5 năm thực hiện Chỉ thị số 24-CT/TW và Nghị định 21/2019/NĐ-CP.</p></body></html>" \
    > "$corpus/page.html"
exec "$py" fuzz/extract_fuzz.py -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 "$corpus"
