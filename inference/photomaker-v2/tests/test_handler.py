import base64
import os
import tempfile
import unittest

from tests import stubs
from tests.helpers import contract_request

stubs.install()
import handler  # noqa: E402  (after the stand-ins)


def error_of(call):
    try:
        call()
    except ValueError as exc:
        return str(exc)
    raise AssertionError("expected a ValueError")


class ParseRequest(unittest.TestCase):
    def test_the_engines_request_is_accepted_as_sent(self):
        sent = contract_request()
        request = handler.parse_request(sent)
        self.assertEqual(request.prompt, sent["inputs"])
        self.assertEqual((request.width, request.height, request.num_inference_steps), (512, 512, 30))
        self.assertEqual((request.guidance_scale, request.style_strength_ratio, request.seed), (5.0, 22.22, 42))
        self.assertEqual(request.negative_prompt, "nsfw, lowres, bad anatomy")
        self.assertEqual(request.photos, [base64.b64decode(p) for p in sent["input_id_images"]])

    def test_defaults_are_the_demos_when_parameters_are_left_out(self):
        request = handler.parse_request({"inputs": "a man img", "input_id_images": contract_request()["input_id_images"][:1]})
        self.assertEqual((request.width, request.height, request.num_inference_steps), (1024, 1024, 50))
        self.assertEqual((request.guidance_scale, request.style_strength_ratio, request.negative_prompt), (5.0, 20.0, ""))

    def test_inputs_must_be_a_prompt(self):
        for bad in (None, "", "   ", 42):
            message = error_of(lambda: handler.parse_request(contract_request({"inputs": bad})))
            self.assertEqual(message, 'INVALID: "inputs" must be the prompt, a non-empty string')
        self.assertEqual(error_of(lambda: handler.parse_request(["a man img"])), "INVALID: the request must be a JSON object")


class Base64Photos(unittest.TestCase):
    def test_plain_base64_and_data_uris_decode_to_the_same_bytes(self):
        jpeg = contract_request()["input_id_images"][0]
        plain = handler.decode_photo(1, jpeg)
        self.assertEqual(handler.decode_photo(1, "data:image/jpeg;base64," + jpeg), plain)
        self.assertTrue(plain.startswith(b"\xff\xd8\xff"))

    def test_bad_photos_name_the_photo(self):
        self.assertEqual(error_of(lambda: handler.decode_photo(2, "not base64!")), "INVALID: photo 2 is not valid base64")
        self.assertEqual(error_of(lambda: handler.decode_photo(3, base64.b64encode(b"GIF89a").decode())), "INVALID: photo 3 is not a JPEG or PNG")
        self.assertEqual(error_of(lambda: handler.decode_photo(1, 7)), "INVALID: photo 1 is not a base64 string")

    def test_one_to_four_photos(self):
        photo = contract_request()["input_id_images"][0]
        for photos, count in (([], 0), ([photo] * 5, 5), ("x", 0)):
            message = error_of(lambda: handler.parse_request(contract_request({"input_id_images": photos})))
            self.assertEqual(message, 'INVALID: "input_id_images" must hold 1 to 4 photos (base64 JPEG or PNG); got %d' % count)
        self.assertEqual(len(handler.parse_request(contract_request({"input_id_images": [photo] * 4})).photos), 4)


class Parameters(unittest.TestCase):
    def test_ranges_and_types(self):
        cases = {
            "num_inference_steps": (0, "INVALID: parameters.num_inference_steps must be between 1 and 100; got 0"),
            "guidance_scale": (11, "INVALID: parameters.guidance_scale must be between 0.1 and 10.0; got 11.0"),
            "style_strength_ratio": (60, "INVALID: parameters.style_strength_ratio must be between 15.0 and 50.0; got 60.0"),
            "seed": (1.5, "INVALID: parameters.seed must be a whole number; got 1.5"),
            "height": (True, "INVALID: parameters.height must be a number; got True"),
            "num_images_per_prompt": (2, "INVALID: parameters.num_images_per_prompt must be between 1 and 1; got 2"),
            "negative_prompt": (3, "INVALID: parameters.negative_prompt must be a string"),
        }
        for name, (value, expected) in cases.items():
            with self.subTest(name=name):
                self.assertEqual(error_of(lambda: handler.parse_request(contract_request({"parameters": {name: value}}))), expected)

    def test_unknown_parameters_are_refused_not_ignored(self):
        message = error_of(lambda: handler.parse_request(contract_request({"parameters": {"strength": 0.5, "steps": 3}})))
        self.assertEqual(message, "INVALID: unknown parameters: steps, strength")

    def test_start_merge_step_follows_the_demo(self):
        self.assertEqual(handler.start_merge_step(20, 50), 10)
        self.assertEqual(handler.start_merge_step(22.22, 30), 6)
        self.assertEqual(handler.start_merge_step(50, 100), 30)  # capped at 30


class TriggerWord(unittest.TestCase):
    def test_exactly_one_img_as_a_word(self):
        self.assertEqual(handler.count_triggers("a woman img, img2 and imgs, image"), 1)
        self.assertEqual(handler.count_triggers("a woman img. img"), 2)
        for prompt, count in (("a photo of a woman", 0), ("a woman img and a man img", 2)):
            message = error_of(lambda: handler.parse_request(contract_request({"inputs": prompt})))
            self.assertTrue(message.startswith('INVALID: the prompt must contain the trigger word "img" once'), message)
            self.assertTrue(message.endswith("it has %d" % count), message)

    def test_never_in_the_negative_prompt(self):
        message = error_of(lambda: handler.parse_request(contract_request({"parameters": {"negative_prompt": "blurry, img"}})))
        self.assertEqual(message, 'INVALID: the negative prompt must not contain the trigger word "img"')


class LoadsLikeTheV2Demo(unittest.TestCase):
    def setUp(self):
        stubs.install()

    def test_pipeline_adapter_scheduler_and_face_models(self):
        handler.EndpointHandler("")
        model, kwargs = stubs.recorded("from_pretrained")[0]
        self.assertEqual(model, "SG161222/RealVisXL_V4.0")
        self.assertEqual(kwargs, {"torch_dtype": "float16", "use_safetensors": True, "variant": "fp16"})
        self.assertEqual(stubs.recorded("hf_hub_download"), [("TencentARC/PhotoMaker-V2", "photomaker-v2.bin", "model")])
        args, kw = stubs.recorded("load_photomaker_adapter")[0]
        self.assertEqual(args, ("/cache/TencentARC/PhotoMaker-V2",))
        self.assertEqual(kw, {"subfolder": "", "weight_name": "photomaker-v2.bin", "trigger_word": "img", "pm_version": "v2"})
        self.assertEqual(stubs.recorded("fuse_lora"), [None])
        self.assertEqual(stubs.recorded("FaceAnalysis2")[0]["allowed_modules"], ["detection", "recognition"])
        self.assertEqual(stubs.recorded("prepare"), [{"ctx_id": 0, "det_size": (640, 640)}])

    def test_a_checkpoint_in_the_repository_is_used_instead_of_the_hub(self):
        with tempfile.TemporaryDirectory() as repo:
            open(os.path.join(repo, "photomaker-v2.bin"), "wb").close()
            handler.EndpointHandler(repo)
            self.assertEqual(stubs.recorded("hf_hub_download"), [])
            self.assertEqual(stubs.recorded("load_photomaker_adapter")[0][0], (repo,))


class Generates(unittest.TestCase):
    def setUp(self):
        stubs.install()
        self.handler = handler.EndpointHandler("")

    def test_photos_without_a_face_are_dropped_and_the_rest_drive_the_pipeline(self):
        sent = contract_request()
        png = base64.b64decode(sent["input_id_images"][1])
        stubs.faces_for["rule"] = lambda data: [] if data == png else [{"embedding": "jpeg-face"}]
        image = self.handler(sent)
        self.assertIsInstance(image, stubs.FakeImage)
        call = stubs.recorded("pipe")[0]
        self.assertEqual([i.data for i in call["input_id_images"]], [base64.b64decode(sent["input_id_images"][0])])
        self.assertEqual(call["id_embeds"], ("stack", [("tensor", "jpeg-face")]))
        self.assertEqual(call["prompt"], sent["inputs"])
        self.assertEqual(call["negative_prompt"], "nsfw, lowres, bad anatomy")
        self.assertEqual((call["width"], call["height"], call["num_inference_steps"], call["guidance_scale"]), (512, 512, 30, 5.0))
        self.assertEqual((call["start_merge_step"], call["num_images_per_prompt"], call["generator"].seed), (6, 1, 42))

    def test_no_face_in_any_photo(self):
        stubs.faces_for["rule"] = lambda data: []
        message = error_of(lambda: self.handler(contract_request()))
        self.assertEqual(message, "NO_FACE: no face found in any of the 2 photos; use photos where the face is clearly visible")
        self.assertEqual(stubs.recorded("pipe"), [])


if __name__ == "__main__":
    unittest.main()
