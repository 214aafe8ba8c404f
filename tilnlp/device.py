"""The hardware a notebook runs on: CPU or GPU, and which number formats it computes fast.

* ``device()`` – ``"cuda"`` when PyTorch sees a GPU, else ``"cpu"``.
* ``cpu_has_native_bf16()`` – whether this CPU multiplies bfloat16 numbers in hardware
  (AVX-512 BF16 or AMX instructions); without them bfloat16 is emulated and slower than float32.
* ``mixed_precision()`` – the ``TrainingArguments`` settings for fast, safe arithmetic here:
  bfloat16 autocast on a GPU that supports it or on a CPU with native bfloat16, float16 on
  an older GPU, plain float32 otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .lang import tr


def device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_has_native_bf16() -> bool:
    """True on CPUs with AVX-512 BF16 or AMX (e.g. recent Xeon and EPYC), where bfloat16 matrix products run in hardware."""
    import torch

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # an older PyTorch: read the CPU's flags (Linux)
        flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
        return " avx512_bf16" in flags or " amx_bf16" in flags


@dataclass(frozen=True)
class Precision:
    """The arithmetic settings for ``TrainingArguments``, and why they were chosen."""

    bf16: bool
    fp16: bool
    use_cpu: bool  # the Trainer accepts bf16 on a CPU only when told it trains on the CPU
    why: str


def mixed_precision() -> Precision:
    import torch

    if torch.cuda.is_available():
        if torch.cuda.is_bf16_supported():
            return Precision(True, False, False, tr("GPU with bfloat16: bf16 mixed precision", "bfloat16을 지원하는 GPU: bf16 혼합 정밀도"))
        return Precision(False, True, False, tr("GPU without bfloat16: fp16 mixed precision", "bfloat16을 지원하지 않는 GPU: fp16 혼합 정밀도"))
    if cpu_has_native_bf16():
        return Precision(True, False, True, tr("CPU with native bfloat16 (AVX-512 BF16/AMX): bf16 autocast",
                                         "bfloat16을 직접 계산하는 CPU (AVX-512 BF16/AMX): bf16 autocast"))
    return Precision(False, False, True, tr("CPU without native bfloat16: float32", "bfloat16을 직접 계산하지 못하는 CPU: float32"))
