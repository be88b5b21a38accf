"""Image files under assets/ → images ready for the PDF variant.

Takes a path relative to assets/ and the placed width; gives a Pillow image in
the variant's colour space (print: CMYK through the layout's ICC profile, or
grey, no finer than 350 ppi at the placed size when far above it; screen: RGB,
downsampled to 150 ppi at the placed size) and its pixel size. Decompression bombs and unreadable files are refused with a message.

The image `prepared` returns is lazy: its size and mode are known at once (laying
out and measuring need nothing else), its pixels are converted when first read —
when the PDF draws it. Each (file, variant, profile, pixel size) is converted
once: a picture shown at two sizes is converted (and embedded) once unless one
of them needs fewer pixels. Outside `no_prefetch()`, asking for a picture also queues its
conversion on a background thread (decoding, the colour transform and the ink
limit run outside the GIL), so a document's pictures are converted on another core
while its pages are laid out, in the order they will be drawn and no more than
`AHEAD_BYTES` ahead of the drawing. Converted pixels are kept within `CACHE_BYTES`,
so a document with many large photos never holds them all in memory.

When it has nothing to convert, the background thread encodes the pictures it
converted ahead as they are embedded (`PreparedImage.stream`: deflated, or JPEG for a
photo in the screen PDF): `kumihan.render.pdf.picture` writes those bytes as the image
XObject's stream, so drawing never waits for it.

With a store (`use_store`: the registry gives the project's `.kumihan-cache/images`),
each conversion is also kept on disk, encoded, under a hash of the picture's bytes,
the profile's bytes, the variant, the pixel size and the toolkit's code: the next
build, and the other deliverables built at the same time, read it back instead of
converting (and encoding) again. A conversion is claimed in the store while it is
made, so two deliverables drawn at once (the 事例集 and the 報告書 share their photos)
convert each picture once between them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import threading
import time
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from kumihan.cache import BlobStore, JsonTable, file_digest, forget_file_hashes, toolkit_digest
from kumihan.render.pdf.color import (
    is_gray_mode,
    print_conversion,
    print_size,
    screen_image,
    screen_size,
)
from kumihan.render.pdf.paint import Variant
from kumihan.verify.ink import INK_PREFIX, ink_key

MAX_PIXELS = 60_000_000  # ~ a 30×20 cm photo at 600 ppi; more is a decompression bomb
CACHE_BYTES = 96 * 1024 * 1024  # converted pixels kept (drawn, or converted ahead)
AHEAD_BYTES = 48 * 1024 * 1024  # converted ahead of the drawing, at most
PHOTO_DEFLATE_LEVEL = 1  # see `_encoding`
PHOTO_JPEG_QUALITY = 90  # photos in the screen PDF and in Word: no visible loss
CLAIM_POLL_S = 0.01  # how often a conversion another process is making is looked for
CLAIM_WAIT_S = 120.0  # how long it is waited for at most


class ImageProblem(Exception):
    """An image that cannot be used; the message says why (in Japanese)."""


def open_image(path: Path, size: tuple[int, int] | None = None) -> Image.Image:
    """Open and fully load an image, refusing bombs and broken files. With `size` (the
    size it will be downsampled to), a JPEG is decoded at the smallest of 1/2, 1/4 or
    1/8 scale that is still at least that size: a fraction of the work."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageProblem(
                    f"{probe.width}×{probe.height} 画素あり、大きすぎます（上限 {MAX_PIXELS:,} 画素）"
                )
            if size is not None and probe.format == "JPEG" and size != probe.size:
                probe.draft(None, size)
            probe.load()
            return probe.copy()
    except Image.DecompressionBombError as exc:
        raise ImageProblem(f"画素数が多すぎます（{exc}）") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageProblem(f"画像として読めません（{exc}）") from exc


@dataclass(frozen=True)
class _Key:
    """One conversion: a file (as it is on disk now), a variant, a profile, a pixel size."""

    path: Path
    stamp: tuple[int, int]  # mtime_ns, size: an edited file is a new key
    variant: Variant
    profile: Path
    size: tuple[int, int]  # the converted image's pixel size


def portable_key(key: _Key, assets: Path) -> _Key:
    """`key` with its files named relative to `assets`: for a record kept across builds,
    which must still hold when the project has been moved or copied."""
    return replace(key, path=_under(key.path, assets), profile=_under(key.profile, assets))


def local_key(key: _Key, assets: Path) -> _Key:
    """A kept key (`portable_key`) for this build: its files under this build's `assets`,
    stamped as they are now (a copied file has another time; its conversion, found by
    the file's bytes, is the same)."""
    path, profile = assets / key.path, assets / key.profile  # an absolute one stays
    return replace(key, path=path, profile=profile, stamp=_stamp(path))


def _under(path: Path, assets: Path) -> Path:
    return path.relative_to(assets) if path.is_relative_to(assets) else path


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImageProblem(f"画像として読めません（{exc}）") from exc
    return (stat.st_mtime_ns, stat.st_size)


_INSPECTED: JsonTable | None = None


def remember_inspections(table: JsonTable | None) -> None:
    """Keep what `prepared` learns of each picture (pixel size, mode, format) in `table`, by
    path, size and time, across builds (None: in this process only). A rebuild then
    decodes no unchanged picture to check it, in the DOCX's forked process either."""
    global _INSPECTED
    _INSPECTED = table


@dataclass(frozen=True)
class _Inspection:
    """What `prepared` needs to know of a usable picture before converting it."""

    size: tuple[int, int]
    mode: str
    jpeg: bool  # a JPEG file (decodable at 1/2, 1/4, 1/8 of its size; a photograph)


def _inspected(path: Path, stamp: tuple[int, int]) -> _Inspection | str:
    """`_inspect`, through the table of earlier builds when there is one. Only usable
    pictures are kept: a problem is found (and its message made) again."""
    table = _INSPECTED
    key = f"{path}|{stamp[0]}|{stamp[1]}"
    if table is not None:
        found = table.get(key)
        if isinstance(found, list) and len(found) == 4:
            width, height, mode, jpeg = found
            if (
                isinstance(width, int)
                and isinstance(height, int)
                and isinstance(mode, str)
                and isinstance(jpeg, bool)
            ):
                return _Inspection((width, height), mode, jpeg)
    result = _inspect(path, stamp)
    if table is not None and not isinstance(result, str):
        table.put(key, [*result.size, result.mode, result.jpeg])
    return result


@lru_cache(maxsize=512)
def _inspect(path: Path, stamp: tuple[int, int]) -> _Inspection | str:
    """The pixel size, mode and format of a usable picture, or why it cannot be used.

    Every picture is decoded once here, as the conversion will decode it, because a
    damaged file fails only when decoded; a JPEG at an eighth of its size, which
    reads all of its data at a fraction of the cost.
    """
    del stamp  # part of the cache key only
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as probe:
            # a camera's MPO is a JPEG with more pictures after the first
            size, mode, jpeg = probe.size, probe.mode, probe.format in ("JPEG", "MPO")
            if size[0] * size[1] > MAX_PIXELS:
                return f"{size[0]}×{size[1]} 画素あり、大きすぎます（上限 {MAX_PIXELS:,} 画素）"
            if jpeg:
                probe.draft(None, (max(1, size[0] // 8), max(1, size[1] // 8)))
            probe.load()
            return _Inspection(size, mode, jpeg)
    except Image.DecompressionBombError as exc:
        return f"画素数が多すぎます（{exc}）"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"画像として読めません（{exc}）"


def _convert(key: _Key) -> tuple[Image.Image, float | None]:
    """The picture converted, and its highest total ink when in CMYK (else None)."""
    source = open_image(key.path, key.size)
    ink = None
    if key.variant == "print":
        image, ink = print_conversion(source, key.profile, key.size)
    else:
        image = screen_image(source, key.size, key.profile)
    if image.size != key.size:  # the file changed between inspection and drawing
        raise ImageProblem(f"画像の大きさが変わりました（{key.size} → {image.size}）")
    return image, ink


Encoding = tuple[str, bytes]  # a PDF image stream: its filter and its bytes


class _Pixels:
    """A converted picture: its pixels as `Image.tobytes()` gives them, and the stream
    the PDF embeds for them (`encoding`, see `_encoding`), when that was made. Read back
    from the store, only the stream is there; the pixels are decoded from it if something
    asks for them."""

    def __init__(
        self,
        mode: str,
        size: tuple[int, int],
        info: dict[str | tuple[int, int], Any],
        raw: bytes | None,
        encoding: Encoding | None = None,
        ink: float | None = None,
    ) -> None:
        self.mode, self.size, self.info = mode, size, info
        self._raw, self.encoding = raw, encoding
        self.ink = ink  # the highest total ink, measured when converted to CMYK

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            assert self.encoding is not None
            kind, data = self.encoding
            if kind == "DCTDecode":
                with Image.open(io.BytesIO(data)) as decoded:
                    self._raw = decoded.convert(self.mode).tobytes()
            else:
                self._raw = zlib.decompress(data)
        return self._raw

    def nbytes(self) -> int:
        return len(self._raw or b"") + len(self.encoding[1] if self.encoding else b"")

    def encode(self, encoding: Encoding) -> None:
        """Take `encoding` as the picture's stream. The pixels of a JPEG are from then on
        the JPEG's, decoded if asked for, as in a process that reads it from the store:
        the same in every build, whichever process converted the picture."""
        self.encoding = encoding
        if encoding[0] == "DCTDecode":
            self._raw = None

    def image(self) -> Image.Image:
        image = Image.frombytes(self.mode, self.size, self.raw)
        image.info = dict(self.info)
        return image


_STORE: BlobStore | None = None


def use_store(store: BlobStore | None) -> None:
    """Keep conversions in `store` across builds and processes (None: in memory only)."""
    global _STORE
    _STORE = store


def _store_name(key: _Key) -> str | None:
    try:
        digest = hashlib.sha256(toolkit_digest().encode())
        digest.update(file_digest(key.path))
        digest.update(file_digest(key.profile))
    except (OSError, ImageProblem):
        return None
    digest.update(repr((key.variant, key.size)).encode())
    return f"{digest.hexdigest()}.pickle"


def _stored(store: BlobStore, name: str) -> _Pixels | None:
    data = store.get(name)
    if data is None:
        return None
    try:
        mode, size, info, kind, stream = pickle.loads(data)
        if kind not in ("FlateDecode", "DCTDecode") or not isinstance(stream, bytes):
            return None
        return _Pixels(mode, tuple(size), info, None, (kind, stream))
    except (pickle.PickleError, ValueError, TypeError, EOFError, AttributeError):
        return None  # damaged: converted again and written anew


def _attempt(
    key: _Key, converting: threading.Lock, *, wait: bool = True
) -> _Pixels | ImageProblem | None:
    """The conversion of `key`: read from the store, or made (holding `converting`) and
    kept there. One another process is making (the 事例集 and the 報告書, built at
    once, share their photos) is waited for and read; with `wait` false, None is
    returned instead: the caller converts other pictures first."""
    store = _STORE
    name = _store_name(key) if store is not None else None
    if store is None or name is None:
        with converting:
            return _made(key, encode=False)
    waited_until = time.monotonic() + CLAIM_WAIT_S
    while True:
        found = _stored(store, name)
        if found is not None:
            return found
        if store.claim(name):
            break
        if not wait:
            return None
        if time.monotonic() > waited_until:  # a process that hangs: convert it here
            with converting:
                return _made(key, encode=True)
        time.sleep(CLAIM_POLL_S)
    try:
        found = _stored(store, name)  # kept by another process just before the claim
        if found is not None:
            return found
        with converting:
            made = _made(key, encode=True)
        if isinstance(made, _Pixels):
            _keep(store, name, made)
        return made
    finally:
        store.release(name)


def _made(key: _Key, *, encode: bool) -> _Pixels | ImageProblem:
    """The picture converted now (and its stream made, with `encode`)."""
    try:
        image, ink = _convert(key)
    except ImageProblem as problem:
        return problem
    raw = image.tobytes()
    pixels = _Pixels(image.mode, image.size, dict(image.info), raw, None, ink)
    if encode:
        pixels.encode(_encoding(key, pixels))
    return pixels


def _encoding(key: _Key, pixels: _Pixels) -> Encoding:
    """The stream the PDF embeds for the pixels. A photograph (a JPEG file) in the screen
    PDF is JPEG, as web PDFs keep photos (a fifth of the size; Word is given the same
    bytes, `word_picture`). Anything else is deflated: a photograph at zlib's quickest
    level, which on a photo's noise-like pixels makes a stream some 4 % larger than the
    default level in less than half the time (a third of a second per print photo of
    1800 × 1200); drawings, whose flat colours the default level packs far better, at
    the default level."""
    if _as_jpeg(key, pixels.mode):
        buffer = io.BytesIO()  # the pixels alone: no comment or other marker of the file
        image = Image.frombytes(pixels.mode, pixels.size, pixels.raw)
        image.save(buffer, format="JPEG", quality=PHOTO_JPEG_QUALITY)
        return "DCTDecode", buffer.getvalue()
    level = PHOTO_DEFLATE_LEVEL if _is_photo(key) else zlib.Z_DEFAULT_COMPRESSION
    return "FlateDecode", zlib.compress(pixels.raw, level)


def _is_photo(key: _Key) -> bool:
    """Is the picture's file a JPEG (by its content, whatever its name says): a photograph?"""
    found = _inspected(key.path, key.stamp)
    return not isinstance(found, str) and found.jpeg


def _as_jpeg(key: _Key, mode: str) -> bool:
    """Is the conversion embedded as JPEG: a photograph in the screen PDF (and Word)?"""
    return key.variant == "screen" and mode in ("RGB", "L") and _is_photo(key)


def _keep(store: BlobStore, name: str, pixels: _Pixels) -> None:
    """Keep the conversion, and note its ink for the preflight under the name the
    preflight will look for: the image stream `picture.register_picture` embeds."""
    if pixels.encoding is None:
        return
    kind, stream = pixels.encoding
    try:
        entry = pickle.dumps(
            (pixels.mode, pixels.size, pixels.info, kind, stream),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    except (pickle.PickleError, TypeError, AttributeError):
        return
    store.put(name, entry)
    if pixels.ink is not None:
        width, height = pixels.size
        key = ink_key(stream, width, height, 8, (f"/{kind}",))
        store.put(f"{INK_PREFIX}{key}", repr(pixels.ink).encode("ascii"))


class _Converter:
    """Converted pictures by key, least recently used first, within `CACHE_BYTES`; and a
    background thread converting the pictures asked for ahead of their drawing.

    Only one conversion runs at a time (the colour transforms are shared, and
    LittleCMS transforms are not to be used by two threads at once); the drawing
    thread converts a picture itself when the background thread has not reached it.
    A picture another process is converting is put back at the end of the queue, and
    read from the store once kept there; the drawing thread waits for it.
    """

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.converting = threading.Lock()
        self.queue: deque[_Key] = deque()
        self.done: OrderedDict[_Key, _Pixels | ImageProblem] = OrderedDict()
        self.sizes: dict[_Key, int] = {}
        self.unread: set[_Key] = set()  # converted ahead, not drawn yet
        self.used = 0
        self.ahead = 0  # bytes of `unread`
        self.busy: _Key | None = None  # being converted by the background thread
        self.elsewhere: dict[_Key, float] = {}  # queued, found converting elsewhere (when)
        self.encoded: set[_Key] = set()  # with their stream made (or being made) ahead
        self.working = False  # the background thread is converting or encoding
        self.generation = 0  # counts `clear` and `settle`: what was asked before is let go
        self.thread: threading.Thread | None = None

    def prefetch(self, key: _Key) -> None:
        with self.cond:
            if key in self.done or key == self.busy or key in self.queue:
                return
            self.queue.append(key)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._work, name="kumihan-images", daemon=True
                )
                self.thread.start()
            self.cond.notify_all()

    def get(self, key: _Key) -> _Pixels:
        with self.cond:
            while key == self.busy:
                self.cond.wait()
            found = self.done.get(key)
            if found is not None:
                self.done.move_to_end(key)
                self._read(key)
            elif key in self.queue:
                self.queue.remove(key)
                self.elsewhere.pop(key, None)
        if found is None:
            found = _attempt(key, self.converting)
            assert found is not None  # waited for
            with self.cond:
                self._store(key, found, read=True)
        if isinstance(found, ImageProblem):
            raise found
        return found

    def clear(self) -> None:
        with self.cond:
            self.generation += 1
            self.queue.clear()
            self.elsewhere.clear()
            for key in list(self.done):
                self._forget(key)
            self.unread.clear()
            self.used = self.ahead = 0
            self.cond.notify_all()

    def settle(self) -> None:
        """Forget what was asked for ahead and not read: the drawing is over. (A picture
        the document had already embedded is never read again; counted as ahead, it
        would stop the thread with work queued, and no build in this process could
        fork its formats again.) Conversions made stay in memory for the next build."""
        with self.cond:
            self.generation += 1
            self.queue.clear()
            self.elsewhere.clear()
            self.unread.clear()
            self.ahead = 0
            self.cond.notify_all()

    def idle(self) -> bool:
        """Is the background thread absent, or waiting with nothing to do?"""
        with self.cond:
            return self.thread is None or not (self.working or self.queue)

    def _work(self) -> None:
        while True:
            with self.cond:
                self.working = False
                while True:
                    ready = self._next() if self.ahead < AHEAD_BYTES else None
                    if ready is not None:
                        key = self.busy = ready
                        pixels = None
                        asked_in = self.generation
                        break
                    pending = self._unencoded()
                    if pending is not None:
                        key, pixels = pending
                        self.encoded.add(key)
                        break
                    # pictures other processes are converting: looked for again shortly
                    self.cond.wait(CLAIM_POLL_S if self.elsewhere else None)
                self.working = True
            if pixels is not None:
                encoding = _encoding(key, pixels)
                with self.cond:
                    if self.done.get(key) is pixels and pixels.encoding is None:
                        before = pixels.nbytes()
                        pixels.encode(encoding)
                        grown = pixels.nbytes() - before
                        self.sizes[key] += grown
                        self.used += grown
                        if key in self.unread:
                            self.ahead += grown
                continue
            found: _Pixels | ImageProblem | None = None
            failed = False
            try:
                found = _attempt(key, self.converting, wait=False)
            except Exception:  # the drawing thread converts it again and reports the error
                failed = True
            finally:
                with self.cond:
                    self.busy = None
                    self.elsewhere.pop(key, None)
                    let_go = asked_in != self.generation  # `settle` or `clear` since
                    if found is not None:
                        self._store(key, found, read=let_go)
                    elif not (failed or let_go) and key not in self.done and key not in self.queue:
                        self.queue.append(key)  # converting elsewhere: read when kept
                        self.elsewhere[key] = time.monotonic()
                    self.cond.notify_all()

    def _next(self) -> _Key | None:
        """The first queued picture not found converting elsewhere just now, taken off
        the queue."""
        now = time.monotonic()
        for key in self.queue:
            since = self.elsewhere.get(key)
            if since is None or now - since >= CLAIM_POLL_S:
                self.queue.remove(key)
                self.elsewhere.pop(key, None)
                return key
        return None

    def _unencoded(self) -> tuple[_Key, _Pixels] | None:
        """The first picture converted ahead whose stream is not made yet, oldest first."""
        for key in self.done:
            if key in self.unread and key not in self.encoded:
                found = self.done[key]
                if isinstance(found, _Pixels):
                    return key, found
        return None

    def _read(self, key: _Key) -> None:
        if key in self.unread:
            self.unread.discard(key)
            self.ahead -= self.sizes[key]
            self.cond.notify_all()

    def _store(self, key: _Key, found: _Pixels | ImageProblem, *, read: bool) -> None:
        if key in self.done:
            return
        size = 0
        if isinstance(found, _Pixels):
            size = found.nbytes()
            if size > CACHE_BYTES:
                return  # too big to keep: converted again if drawn again
            if found.encoding is not None:
                self.encoded.add(key)
        self.done[key] = found
        self.sizes[key] = size
        self.used += size
        if not read:
            self.unread.add(key)
            self.ahead += size
        for old in [k for k in self.done if k not in self.unread]:
            if self.used <= CACHE_BYTES:
                break
            self._forget(old)

    def _forget(self, key: _Key) -> None:
        found = self.done.pop(key)
        self.used -= self.sizes.pop(key)
        self.encoded.discard(key)
        del found


_CONVERTER = _Converter()
_PREFETCH = threading.local()


def _reset_after_fork() -> None:
    """A forked process has no background thread and may have inherited held locks."""
    global _CONVERTER
    _CONVERTER = _Converter()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


@contextlib.contextmanager
def no_prefetch() -> Iterator[None]:
    """Within this block `prepared` converts nothing ahead: for pictures laid out only to
    measure heights (the fit ladder), or whose pixels may never be read (Word's PNG,
    usually kept already)."""
    before = getattr(_PREFETCH, "off", False)
    _PREFETCH.off = True
    try:
        yield
    finally:
        _PREFETCH.off = before


class PreparedImage(Image.Image):
    """A picture converted for a PDF variant on first use of its pixels.

    Size and mode are exact from the start. Reading the pixels with `tobytes` (as
    reportlab does when drawing) takes them from the converter without keeping a
    copy here; any other pixel access (`load`, `save`, `getpixel` …) converts and
    keeps them, like an ordinary image.
    """

    def __init__(self, key: _Key, mode: str) -> None:
        super().__init__()
        self._size = key.size
        self._mode = mode
        self.key = key

    def _pixels(self) -> _Pixels:
        pixels = _CONVERTER.get(self.key)
        if (pixels.mode, pixels.size) != (self.mode, self.size):
            raise ImageProblem(f"画像が想定と違います（{pixels.mode}, {pixels.size}）")
        return pixels

    def _loaded(self) -> bool:
        state = vars(self)  # `im` is a property (Pillow ≥ 11) or an attribute (Pillow 10)
        return state.get("_im", state.get("im")) is not None

    def load(self) -> Any:
        if not self._loaded():
            pixels = self._pixels()
            self.im = pixels.image().im
            self.info = dict(pixels.info)
        return super().load()

    def stream(self) -> Encoding:
        """The image stream the PDF embeds for the picture: its filter and bytes."""
        pixels = self._pixels()
        if pixels.encoding is None:
            pixels.encode(_encoding(self.key, pixels))
        assert pixels.encoding is not None
        return pixels.encoding

    def name(self) -> str:
        """A name for the picture as converted: the same for the same file, profile,
        variant and size, in every build (the image XObject's name)."""
        found = _store_name(self.key)
        if found is None:
            raise ImageProblem("画像として読めません")
        return found.removesuffix(".pickle")[:32]

    def tobytes(self, encoder_name: str = "raw", *args: Any) -> bytes:
        if self._loaded():
            return super().tobytes(encoder_name, *args)
        pixels = self._pixels()
        if encoder_name == "raw" and args in ((), (self.mode,)):
            return pixels.raw
        return pixels.image().tobytes(encoder_name, *args)


def prepared(
    path: Path, variant: Variant, profile: Path, placed: tuple[float, float]
) -> Image.Image:
    """The image converted for the variant: print at its own pixel size or, when far
    finer than the print needs, at 350 ppi (`print_size`); screen at no more than
    150 ppi; both at `placed`, the box (in pt) the picture is fitted into. Raises
    `ImageProblem` for a file that cannot be used; the conversion itself waits until
    the pixels are read."""
    stamp = _stamp(path)
    found = _inspected(path, stamp)
    if isinstance(found, str):
        raise ImageProblem(found)
    size, mode = found.size, found.mode
    gray = is_gray_mode(mode)
    if variant == "print":
        print_at = print_size(size, placed, line_art=mode == "1", jpeg=found.jpeg)
        key = _Key(path, stamp, variant, profile, print_at)
        image = PreparedImage(key, "L" if gray else "CMYK")
    else:
        key = _Key(path, stamp, variant, profile, screen_size(size, placed))
        image = PreparedImage(key, "L" if gray else "RGB")
    if not getattr(_PREFETCH, "off", False):
        _CONVERTER.prefetch(image.key)
    return image


def word_picture(image: Image.Image) -> bytes:
    """The picture as Word embeds it. A screen conversion of a photograph (a JPEG file)
    is the JPEG the screen PDF embeds (`PreparedImage.stream`), as Word itself keeps
    photos: a fifth of the size of a PNG of it. Anything else (line art, screenshots,
    drawings) is lossless PNG, kept in the store beside its conversion."""

    def encoded() -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    if not isinstance(image, PreparedImage):
        return encoded()
    if _as_jpeg(image.key, image.mode):
        return image.stream()[1]
    return remembered(f"{image.name()}.png", encoded)


def remembered(name: str, make: Callable[[], bytes]) -> bytes:
    """Bytes kept in the picture store under `name` (a hash of everything they depend on),
    or `make()`'s, then kept there; without a store, always `make()`'s."""
    store = _STORE
    found = store.get(name) if store is not None else None
    if found is not None:
        return found
    data = make()
    if store is not None:
        store.put(name, data)
    return data


def settle_prefetch() -> None:
    """The drawing is over: what was converted or queued ahead and not read is let go."""
    _CONVERTER.settle()


def worker_idle() -> bool:
    """Is the background thread absent or idle (holding no lock, so a fork is safe)?"""
    return _CONVERTER.idle()


def clear_caches() -> None:
    """Forget every inspection and conversion held in memory (tests; a long-running editor)."""
    _inspect.cache_clear()
    forget_file_hashes()
    _CONVERTER.clear()
