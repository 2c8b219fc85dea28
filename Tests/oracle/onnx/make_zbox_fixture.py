"""Per-channel z^B bounds against zennit's ZBox with tensors: writes the vectors that
ONNXTests.testPerChannelZBoxMatchesZennit and ONNXScriptTests check lrps against.

The residual CNN of make_onnx_fixtures.py (same seed, so rescnn-ts.onnx / rescnn-dynamo.onnx are its
exports) explained on 4 images in [0, 1] normalised per channel with torchvision's ImageNet mean
and std, x = (u - mean) / std. The first convolution takes zennit's ZBox with low = (0 - mean) / std
and high = (1 - mean) / std as (1, 3, 1, 1) tensors; every other layer the composite of
make_onnx_fixtures.py. Writes to Tests/LRPKitTests/Fixtures/onnx:
- rescnn-zbox-x.npy: the normalised inputs, N x C x H x W;
- rescnn-zbox-r.npy: zennit's relevance of the target class (argmax), output relevance Y * T.

Environment: as make_onnx_fixtures.py (pip install torch onnx onnxscript onnxruntime zennit numpy).
Run: V/bin/python Tests/oracle/onnx/make_zbox_fixture.py   (deterministic; a few seconds)
"""
import os
import sys

import numpy as np
import torch
from torch import nn
from zennit.attribution import Gradient
from zennit.composites import SpecialFirstLayerMapComposite
from zennit.layer import Sum
from zennit.rules import Epsilon, Norm, Pass, ZBox, ZPlus
from zennit.types import Activation, AvgPool, Convolution, Linear

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_onnx_fixtures import OUT, ExactSequentialMergeBatchNorm, NETWORKS, ResCNN, randomise  # noqa: E402

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
SEED = 100 + list(NETWORKS).index('rescnn')  # the seed make_onnx_fixtures.py exported it with


def main():
    mean = torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1)
    low, high = (0 - mean) / std, (1 - mean) / std
    u = torch.rand((4, 3, 32, 32), generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    x = ((u - mean) / std).float()

    # The exported model (float32) agrees with the committed onnxruntime outputs: same weights.
    model = randomise(ResCNN(), SEED)
    committed_x = torch.from_numpy(np.load(os.path.join(OUT, 'rescnn-x.npy')))
    with torch.no_grad():
        err = (model(committed_x).numpy() - np.load(os.path.join(OUT, 'rescnn-y.npy'))).__abs__().max()
    assert err < 1e-5, f'the model differs from the one exported ({err})'

    twin = randomise(ResCNN(zennit_sum=True), SEED).double()
    composite = SpecialFirstLayerMapComposite(
        layer_map=[(Activation, Pass()), (Sum, Norm(stabilizer=1e-6)), (AvgPool, Norm(stabilizer=1e-6)),
                   (nn.Conv2d, ZPlus(stabilizer=1e-9, zero_params='bias')), (nn.Linear, Epsilon(1e-6))],
        first_map=[((Convolution, Linear), ZBox(low, high, stabilizer=1e-9))],
        canonizers=[ExactSequentialMergeBatchNorm()])
    xd = x.double().requires_grad_(True)
    with Gradient(model=twin, composite=composite) as attributor:
        _, relevance = attributor(xd, attr_output=lambda y: y * nn.functional.one_hot(y.argmax(1), y.shape[1]).to(y))
    np.save(os.path.join(OUT, 'rescnn-zbox-x.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'rescnn-zbox-r.npy'), relevance.detach().numpy().astype(np.float32))
    print('low', low.flatten().numpy().round(4), 'high', high.flatten().numpy().round(4))
    print('relevance sums', relevance.sum(dim=(1, 2, 3)).detach().numpy().round(4))


if __name__ == '__main__':
    main()
