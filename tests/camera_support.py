"""Recorded camera frames for the pickup desk's camera tests: a real MMS picture (the county's
renderer, a real signed code) held in front of a "camera" — scaled, slightly rotated, on a
noisy background, with frames before and after it that show no code — written as a real video
file with ``cv2.VideoWriter`` (Motion JPEG in AVI, lossy like a webcam's stream) so that the
tests read it back through ``cv2.VideoCapture``, the path a camera takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eservice_desktop.services import pickup
from eservice_desktop.services.core import App

WIDTH, HEIGHT = 640, 480


def picture(png: bytes) -> Any:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def background(rng: np.random.Generator) -> Any:
    """A dim, noisy counter top: no code in it."""
    base = np.full((HEIGHT, WIDTH, 3), 80, np.uint8)
    return base + rng.integers(0, 40, (HEIGHT, WIDTH, 3), dtype=np.uint8)


def held_up(image: Any, rng: np.random.Generator, angle: float, scale: float) -> Any:
    """The phone's screen in the frame: turned by ``angle`` degrees, scaled, plus sensor noise
    (uniform, +-6 levels)."""
    frame = background(rng)
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[0, 2] += WIDTH / 2 - w / 2
    matrix[1, 2] += HEIGHT / 2 - h / 2
    warped = cv2.warpAffine(image, matrix, (WIDTH, HEIGHT))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), matrix, (WIDTH, HEIGHT))
    cv2.copyTo(warped, mask, frame)
    noise = rng.integers(0, 13, frame.shape, dtype=np.uint8)
    return cv2.subtract(cv2.add(frame, noise), np.full(frame.shape, 6, np.uint8))  # +-6


def frames(png: bytes | None, before: int = 6, showing: int = 14, after: int = 6) -> list[Any]:
    """``before`` empty frames, ``showing`` frames with the picture (angles -6..6 degrees,
    scales 0.75..0.95), ``after`` empty frames; no code at all when ``png`` is None."""
    rng = np.random.default_rng(15)
    out = [background(rng) for _ in range(before)]
    if png is not None:
        image = picture(png)
        for angle, scale in zip(
            np.linspace(-6, 6, showing), np.linspace(0.75, 0.95, showing), strict=True
        ):
            out.append(held_up(image, rng, float(angle), float(scale)))
    else:
        out += [background(rng) for _ in range(showing)]
    out += [background(rng) for _ in range(after)]
    return out


def write_video(path: Path, shots: list[Any], fps: float = 30.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for shot in shots:
        writer.write(shot)
    writer.release()
    assert path.stat().st_size > 10_000
    return path


def mms_video(app: App, case_number: str, path: Path, **kw: Any) -> Path:
    """The case's MMS picture (``services.pickup.mms_png``) held up to a camera, as a video."""
    return write_video(path, frames(pickup.mms_png(app, case_number), **kw))
