"""PhotoMaker V2 (SDXL) as a Hugging Face Inference Endpoints custom handler.

It answers exactly the request Avatar Studio's Hugging Face engine sends
(src/server/engines/huggingface.ts, photomakerRequest):

    {"inputs": "<prompt with one 'img' after the class word>",
     "parameters": {"negative_prompt", "width", "height", "num_inference_steps", "guidance_scale",
                    "style_strength_ratio", "seed", "num_images_per_prompt"},
     "input_id_images": ["<base64 JPEG or PNG>", ...]}

and returns one PIL image, which the endpoint toolkit sends as PNG bytes when the request says
`Accept: image/png`. Input errors raise ValueError with a prefix the engine classifies by
(the toolkit answers 400 {"error": str(exception)}):

    NO_FACE: ...   no face found in any photo (photos without a face are dropped, not fatal)
    INVALID: ...   anything wrong with the request itself

The model follows the official V2 demo (TencentARC/PhotoMaker, gradio_demo/app_v2.py and
inference_scripts/inference_pmv2.py): PhotoMakerStableDiffusionXLPipeline on RealVisXL V4.0,
photomaker-v2.bin loaded with pm_version="v2", InsightFace ID embeddings per photo, the Euler
scheduler, and start_merge_step from the style strength ratio. The style template is not applied
here: the engine's prompt already carries it.

Everything heavy (torch, diffusers, photomaker, insightface, numpy, PIL) is imported when the
handler loads, so the request handling above can be tested with the standard library alone.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass

TRIGGER = "img"
MAX_PHOTOS = 4
BASE_MODEL = os.environ.get("PHOTOMAKER_BASE_MODEL", "SG161222/RealVisXL_V4.0")
ADAPTER_REPO = "TencentARC/PhotoMaker-V2"
ADAPTER_FILE = "photomaker-v2.bin"
MAX_SEED = 2**32 - 1

# name: (type, minimum, maximum, default). Ranges are the demo's (app_v2.py sliders) and SDXL's.
PARAMETERS = {
    "negative_prompt": (str, None, None, ""),
    "width": (int, 256, 2048, 1024),
    "height": (int, 256, 2048, 1024),
    "num_inference_steps": (int, 1, 100, 50),
    "guidance_scale": (float, 0.1, 10.0, 5.0),
    "style_strength_ratio": (float, 15.0, 50.0, 20.0),
    "seed": (int, 0, MAX_SEED, 0),
    "num_images_per_prompt": (int, 1, 1, 1),
}

_TRIGGER_RE = re.compile(r"(?<![\w])" + TRIGGER + r"(?![\w])")


def invalid(message):
    return ValueError("INVALID: " + message)


def no_face(message):
    return ValueError("NO_FACE: " + message)


@dataclass
class PhotoMakerRequest:
    prompt: str
    negative_prompt: str
    width: int
    height: int
    num_inference_steps: int
    guidance_scale: float
    style_strength_ratio: float
    seed: int
    photos: list


def count_triggers(text):
    return len(_TRIGGER_RE.findall(text))


def _number(name, value, kind, low, high):
    # bool is an int in Python; a JSON true is not a number here.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid("parameters.%s must be a number; got %r" % (name, value))
    if kind is int and value != int(value):
        raise invalid("parameters.%s must be a whole number; got %r" % (name, value))
    value = kind(value)
    if value < low or value > high:
        raise invalid("parameters.%s must be between %s and %s; got %s" % (name, low, high, value))
    return value


def decode_photo(index, value):
    """One entry of input_id_images: plain base64 (a data: URI prefix is tolerated) of a JPEG or PNG."""
    if not isinstance(value, str) or not value:
        raise invalid("photo %d is not a base64 string" % index)
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("photo %d is not valid base64" % index) from None
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise invalid("photo %d is not a JPEG or PNG" % index)
    return data


def parse_request(data):
    """Validates the request and returns it typed, or raises ValueError("INVALID: ...")."""
    if not isinstance(data, dict):
        raise invalid("the request must be a JSON object")
    prompt = data.get("inputs")
    if not isinstance(prompt, str) or not prompt.strip():
        raise invalid('"inputs" must be the prompt, a non-empty string')
    found = count_triggers(prompt)
    if found != 1:
        raise invalid(
            'the prompt must contain the trigger word "%s" once, right after the class word '
            '("a photo of a woman %s"); it has %d' % (TRIGGER, TRIGGER, found)
        )
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise invalid('"parameters" must be an object')
    unknown = sorted(set(parameters) - set(PARAMETERS))
    if unknown:
        raise invalid("unknown parameters: %s" % ", ".join(unknown))
    values = {}
    for name, (kind, low, high, default) in PARAMETERS.items():
        value = parameters.get(name, default)
        if kind is str:
            if value is None:
                value = default
            if not isinstance(value, str):
                raise invalid("parameters.%s must be a string" % name)
        else:
            value = _number(name, value, kind, low, high)
        values[name] = value
    for side in ("width", "height"):
        if values[side] % 8:
            raise invalid("parameters.%s must be a multiple of 8; got %d" % (side, values[side]))
    if count_triggers(values["negative_prompt"]):
        raise invalid('the negative prompt must not contain the trigger word "%s"' % TRIGGER)
    photos = data.get("input_id_images")
    if not isinstance(photos, list) or not 1 <= len(photos) <= MAX_PHOTOS:
        count = len(photos) if isinstance(photos, list) else 0
        raise invalid('"input_id_images" must hold 1 to %d photos (base64 JPEG or PNG); got %d' % (MAX_PHOTOS, count))
    return PhotoMakerRequest(
        prompt=prompt,
        negative_prompt=values["negative_prompt"],
        width=values["width"],
        height=values["height"],
        num_inference_steps=values["num_inference_steps"],
        guidance_scale=values["guidance_scale"],
        style_strength_ratio=values["style_strength_ratio"],
        seed=values["seed"],
        photos=[decode_photo(i + 1, p) for i, p in enumerate(photos)],
    )


def start_merge_step(style_strength_ratio, steps):
    """The demo's mapping: the share of steps run on text alone before the ID embedding merges in, at most 30."""
    return min(30, int(float(style_strength_ratio) / 100 * steps))


class EndpointHandler:
    """The Inference Endpoints contract: __init__(path) once at start, __call__(data) per request."""

    def __init__(self, path=""):
        import numpy as np
        import torch
        from diffusers import EulerDiscreteScheduler
        from huggingface_hub import hf_hub_download
        from PIL import Image
        from photomaker import FaceAnalysis2, PhotoMakerStableDiffusionXLPipeline, analyze_faces

        self.np, self.torch, self.Image, self.analyze_faces = np, torch, Image, analyze_faces
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.bfloat16 if self.device == "cuda" and torch.cuda.is_bf16_supported() else torch.float16
        # InsightFace's models (buffalo_l by default) download on first use: non-commercial licence, see README.
        self.face_detector = FaceAnalysis2(providers=["CUDAExecutionProvider", "CPUExecutionProvider"], allowed_modules=["detection", "recognition"])
        self.face_detector.prepare(ctx_id=0, det_size=(640, 640))
        # A repository with photomaker-v2.bin beside handler.py (path) wins over the Hub download.
        local = os.path.join(path, ADAPTER_FILE) if path else ""
        checkpoint = local if local and os.path.exists(local) else hf_hub_download(repo_id=ADAPTER_REPO, filename=ADAPTER_FILE, repo_type="model")
        pipe = PhotoMakerStableDiffusionXLPipeline.from_pretrained(BASE_MODEL, torch_dtype=dtype, use_safetensors=True, variant="fp16")
        pipe = pipe.to(self.device)
        pipe.load_photomaker_adapter(
            os.path.dirname(checkpoint),
            subfolder="",
            weight_name=os.path.basename(checkpoint),
            trigger_word=TRIGGER,
            pm_version="v2",
        )
        pipe.id_encoder.to(self.device)
        pipe.scheduler = EulerDiscreteScheduler.from_config(pipe.scheduler.config)
        pipe.fuse_lora()
        self.pipe = pipe

    def face_embeddings(self, images):
        """The first face InsightFace finds in each photo (as the demo does); photos without one are dropped."""
        kept, embeddings = [], []
        for image in images:
            pixels = self.np.array(image)[:, :, ::-1]  # RGB → BGR for InsightFace
            faces = self.analyze_faces(self.face_detector, pixels)
            if len(faces) > 0:
                kept.append(image)
                embeddings.append(self.torch.from_numpy(faces[0]["embedding"]))
        return kept, embeddings

    def __call__(self, data):
        request = parse_request(data)
        images = []
        for index, photo in enumerate(request.photos, start=1):
            try:
                images.append(self.Image.open(_bytes_io(photo)).convert("RGB"))
            except Exception:
                raise invalid("photo %d could not be decoded" % index) from None
        kept, embeddings = self.face_embeddings(images)
        if not kept:
            raise no_face("no face found in any of the %d photos; use photos where the face is clearly visible" % len(images))
        generator = self.torch.Generator(device=self.device).manual_seed(request.seed)
        result = self.pipe(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt,
            width=request.width,
            height=request.height,
            input_id_images=kept,
            id_embeds=self.torch.stack(embeddings),
            num_images_per_prompt=1,
            num_inference_steps=request.num_inference_steps,
            start_merge_step=start_merge_step(request.style_strength_ratio, request.num_inference_steps),
            generator=generator,
            guidance_scale=request.guidance_scale,
        )
        return result.images[0]


def _bytes_io(data):
    import io

    return io.BytesIO(data)
