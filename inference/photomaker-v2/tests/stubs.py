"""Stand-ins for torch, numpy, diffusers, huggingface_hub, PIL, photomaker and insightface, put in
sys.modules before handler.py imports them, so the handler runs on the standard library alone.
They record what the handler asks of them; the PNG they save is a real one (zlib + struct)."""

import struct
import sys
import types
import zlib

calls = []  # (what, details) in order
faces_for = {"rule": lambda photo_bytes: [{"embedding": ("embedding-of", photo_bytes[:4])}]}


def real_png(width=2, height=2):
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class FakeImage:
    def __init__(self, data):
        self.data = data

    def convert(self, mode):
        calls.append(("convert", mode))
        return self

    def save(self, out, format=None):
        calls.append(("save", format))
        out.write(real_png())


class FakeArray:
    def __init__(self, image):
        self.image = image

    def __getitem__(self, index):
        calls.append(("bgr", index))
        return self


class FakePipe:
    def __init__(self):
        self.id_encoder = types.SimpleNamespace(to=lambda device: calls.append(("id_encoder.to", device)))
        self.scheduler = types.SimpleNamespace(config={"name": "default"})

    def to(self, device):
        calls.append(("pipe.to", device))
        return self

    def load_photomaker_adapter(self, *args, **kwargs):
        calls.append(("load_photomaker_adapter", (args, kwargs)))

    def fuse_lora(self):
        calls.append(("fuse_lora", None))

    def __call__(self, **kwargs):
        calls.append(("pipe", kwargs))
        return types.SimpleNamespace(images=[FakeImage(b"result")])


class FakeGenerator:
    def __init__(self, device=None):
        self.device = device
        self.seed = None

    def manual_seed(self, seed):
        self.seed = seed
        return self


def install():
    """Puts the stand-ins in sys.modules (idempotent) and clears what they recorded."""
    calls.clear()
    faces_for["rule"] = lambda photo_bytes: [{"embedding": ("embedding-of", photo_bytes[:4])}]

    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(is_available=lambda: False, is_bf16_supported=lambda: False)
    torch.bfloat16, torch.float16 = "bfloat16", "float16"
    torch.Generator = FakeGenerator
    torch.from_numpy = lambda value: ("tensor", value)
    torch.stack = lambda values: ("stack", list(values))

    numpy = types.ModuleType("numpy")
    numpy.array = FakeArray

    diffusers = types.ModuleType("diffusers")
    diffusers.EulerDiscreteScheduler = types.SimpleNamespace(from_config=lambda config: ("euler", config))

    hub = types.ModuleType("huggingface_hub")

    def hf_hub_download(repo_id, filename, repo_type):
        calls.append(("hf_hub_download", (repo_id, filename, repo_type)))
        return "/cache/%s/%s" % (repo_id, filename)

    hub.hf_hub_download = hf_hub_download

    pil = types.ModuleType("PIL")
    pil_image = types.ModuleType("PIL.Image")
    pil_image.open = lambda stream: FakeImage(stream.read())
    pil.Image = pil_image

    insightface = types.ModuleType("insightface")  # photomaker imports it; the stub below does not need it

    photomaker = types.ModuleType("photomaker")

    class FaceAnalysis2:
        def __init__(self, **kwargs):
            calls.append(("FaceAnalysis2", kwargs))

        def prepare(self, **kwargs):
            calls.append(("prepare", kwargs))

    def analyze_faces(detector, pixels):
        return faces_for["rule"](pixels.image.data)

    def from_pretrained(model, **kwargs):
        calls.append(("from_pretrained", (model, kwargs)))
        return FakePipe()

    photomaker.FaceAnalysis2 = FaceAnalysis2
    photomaker.analyze_faces = analyze_faces
    photomaker.PhotoMakerStableDiffusionXLPipeline = types.SimpleNamespace(from_pretrained=from_pretrained)

    sys.modules.update(
        {
            "torch": torch,
            "numpy": numpy,
            "diffusers": diffusers,
            "huggingface_hub": hub,
            "PIL": pil,
            "PIL.Image": pil_image,
            "insightface": insightface,
            "photomaker": photomaker,
        }
    )


def recorded(what):
    return [details for name, details in calls if name == what]
