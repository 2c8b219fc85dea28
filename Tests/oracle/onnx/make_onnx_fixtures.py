"""Exports small PyTorch networks to ONNX with both exporters and writes the vectors that
Tests/LRPKitTests/ONNXTests.swift checks lrps against.

For each network (an MLP ending in Softmax, a LeNet with batch norm, a small residual CNN on 32x32
RGB, a network with average, global average and depthwise/dilated convolutions and a concatenation,
a network with asymmetric ('same', even kernel) convolution padding and padded max/average pooling):
- NAME-ts.onnx: the TorchScript exporter (dynamo=False) at an opset between 9 and 17, without
  constant folding, so the batch norms are in the file (with folding, the exporter merges them into
  the convolutions itself, as the dynamo exporter's optimiser does);
- NAME-dynamo.onnx + NAME-dynamo.onnx.data: the current exporter (dynamo=True, opset 18), weights
  in the external-data file beside the model;
- NAME-x.npy: 4 inputs (NCHW as torch takes them; the test converts to lrps's NHWC);
- NAME-y.npy: onnxruntime's output for them (both files' outputs are checked to agree first);
- NAME-r.npy: zennit's relevance of the target class (argmax), float64 model, output relevance
  Y * T, with the composite below and SequentialMergeBatchNorm as canonizer (with eps = 0 in the
  emptied batch norm, see ExactSequentialMergeBatchNorm).

The composite (zennit rules with lrps's stabilisers, so both compute the same formula):
  first conv/linear        ZBox(-1, 1, stabilizer=1e-9)   lrps zB(-1, 1)
  other conv               ZPlus(stabilizer=1e-9, no bias) lrps zplus (inputs are >= 0 there)
  other linear             Epsilon(1e-6)                  lrps epsilon(1e-6)
  avg / global avg / sum   Norm(stabilizer=1e-6)          lrps epsilon(1e-6)
  relu                     Pass (gradient)                identity; max pooling: winner-take-all

The tutorial's networks written by lrps, run in onnxruntime: tutorial-mlp.onnx / tutorial-cnn.onnx
and the 12 tutorial digits tutorial-x-mlp.npy / tutorial-x-cnn.npy (padded to 32x32) come from lrps
(the first command below, from the repository root after `swift build`); this script runs them in
onnxruntime and saves the outputs as tutorial-y-mlp.npy / tutorial-y-cnn.npy, and the models' size
and CRC-32 as tutorial-NET.onnx.crc32 (the models are not committed: .gitignore).

    .build/debug/lrps Tests/oracle/onnx/tutorial-to-onnx.lrps

Environment: python3 -m venv V && V/bin/pip install torch onnx onnxscript onnxruntime zennit numpy
Run: V/bin/python Tests/oracle/onnx/make_onnx_fixtures.py   (deterministic; about a minute)
"""
import os
import sys
import zlib

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn
from zennit.attribution import Gradient
from zennit.canonizers import SequentialMergeBatchNorm
from zennit.composites import SpecialFirstLayerMapComposite
from zennit.layer import Sum
from zennit.rules import Epsilon, Norm, Pass, ZBox, ZPlus
from zennit.types import Activation, AvgPool, Convolution, Linear

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'LRPKitTests', 'Fixtures', 'onnx')


class Block(nn.Module):
    """conv-bn-relu-conv-bn plus the input, relu. `zennit_sum` uses zennit's Sum for the addition
    (so a rule can be attached); the exported twin uses `+` (ONNX Add)."""
    def __init__(self, channels, zennit_sum=False):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels))
        self.sum = Sum() if zennit_sum else None
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.body(x)
        y = self.sum(torch.stack([y, x], dim=-1)) if self.sum is not None else y + x
        return self.relu(y)


class ResCNN(nn.Module):
    def __init__(self, zennit_sum=False):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.block1 = Block(8, zennit_sum)
        self.down = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.block2 = Block(16, zennit_sum)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block2(self.down(self.block1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


class PoolNet(nn.Module):
    def __init__(self, zennit_sum=False):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.avg = nn.AvgPool2d(2)
        self.depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.relu2 = nn.ReLU()
        self.pointwise = nn.Conv2d(8, 8, 1)
        self.relu3 = nn.ReLU()
        self.dilated = nn.Conv2d(16, 16, 3, padding=2, dilation=2, stride=2)
        self.relu4 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.avg(self.relu1(self.conv1(x)))
        x = torch.cat([self.relu2(self.depthwise(x)), self.relu3(self.pointwise(x))], dim=1)
        x = self.gap(self.relu4(self.dilated(x)))
        return self.fc(torch.flatten(x, 1))


class PadNet(nn.Module):
    """Padding as torch writes it: 'same' with an even kernel (asymmetric pads: the TorchScript
    exporter writes auto_pad SAME_UPPER, the dynamo one pads [1, 1, 2, 2]), padded max pooling (as
    ResNet's stem) and padded average pooling (count_include_pad, torch's default)."""
    def __init__(self, zennit_sum=False):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 4, padding='same')
        self.relu1 = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.avg = nn.AvgPool2d(3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(8, 16, 2, padding='same')
        self.relu3 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.avg(self.relu2(self.conv2(self.maxpool(self.relu1(self.conv1(x))))))
        x = self.gap(self.relu3(self.conv3(x)))
        return self.fc(torch.flatten(x, 1))


def mlp(zennit_sum=False):
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 16), nn.ReLU(),
                         nn.Linear(16, 10), nn.Softmax(dim=1))


def lenet(zennit_sum=False):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.BatchNorm1d(120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


# name -> (constructor, input shape of one sample, TorchScript opset)
NETWORKS = {
    'mlp': (mlp, (64,), 9),
    'lenet': (lenet, (1, 28, 28), 11),
    'rescnn': (ResCNN, (3, 32, 32), 13),
    'poolnet': (PoolNet, (3, 32, 32), 17),
    'padnet': (PadNet, (3, 32, 32), 13),
}


def randomise(model, seed):
    """Random weights and batch-norm statistics, so folding the batch norm is really tested."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=g) * (2 / fan_in) ** .5)
                module.bias.copy_(torch.randn(module.bias.shape, generator=g) * .1)
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                n = module.num_features
                module.weight.copy_(1 + .2 * torch.randn(n, generator=g))
                module.bias.copy_(.1 * torch.randn(n, generator=g))
                module.running_mean.copy_(.1 * torch.randn(n, generator=g))
                module.running_var.copy_(.5 + torch.rand(n, generator=g))
    return model.eval()


class ExactSequentialMergeBatchNorm(SequentialMergeBatchNorm):
    """zennit's SequentialMergeBatchNorm, except that the emptied batch norm gets eps = 0. zennit
    keeps eps, so its "identity" batch norm scales by 1/sqrt(1 + eps) (about 1 - 5e-6 per batch norm,
    2e-5 over the LeNet's three), which is not what folding means; lrps folds exactly."""
    def merge_batch_norm(self, modules, batch_norm):
        super().merge_batch_norm(modules, batch_norm)
        self.saved_eps = batch_norm.eps
        batch_norm.eps = 0.

    def remove(self):
        super().remove()
        self.batch_norm.eps = self.saved_eps


def composite():
    return SpecialFirstLayerMapComposite(
        layer_map=[(Activation, Pass()), (Sum, Norm(stabilizer=1e-6)), (AvgPool, Norm(stabilizer=1e-6)),
                   (nn.Conv2d, ZPlus(stabilizer=1e-9, zero_params='bias')), (nn.Linear, Epsilon(1e-6))],
        first_map=[((Convolution, Linear), ZBox(-1., 1., stabilizer=1e-9))],
        canonizers=[ExactSequentialMergeBatchNorm()])


def run_onnxruntime(path, x):
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def export(name, make, shape, opset, seed):
    model = randomise(make(), seed)
    x = torch.rand((4,) + shape, generator=torch.Generator().manual_seed(seed + 1)) * 2 - 1
    ts = os.path.join(OUT, f'{name}-ts.onnx')
    dynamo = os.path.join(OUT, f'{name}-dynamo.onnx')
    for path in (ts, dynamo, dynamo + '.data'):
        if os.path.exists(path):
            os.remove(path)
    torch.onnx.export(model, (x,), ts, dynamo=False, opset_version=opset, input_names=['input'],
                      output_names=['output'], dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}},
                      do_constant_folding=False)  # keeps the BatchNormalization nodes for lrps to fold
    torch.onnx.export(model, (x,), dynamo, dynamo=True, external_data=True)
    onnx.checker.check_model(onnx.load(ts))
    assert os.path.exists(dynamo + '.data'), 'the dynamo exporter wrote no external data'

    # The dynamo export is fixed to the batch it saw: run both on the same 4 inputs.
    xn = x.numpy()
    with torch.no_grad():
        expected = model(x).numpy()
    outputs = [run_onnxruntime(path, xn) for path in (ts, dynamo)]
    for path, y in zip((ts, dynamo), outputs):
        err = np.abs(y - expected).max() / np.abs(expected).max()
        assert err < 1e-5, f'{path}: onnxruntime and torch differ by {err}'

    # zennit explains the logits: the twin without the final Softmax, in float64, with zennit's Sum.
    twin = randomise(make(zennit_sum=True), seed).double()
    if isinstance(twin, nn.Sequential) and isinstance(twin[-1], nn.Softmax):
        twin = twin[:-1]
    xd = x.double().requires_grad_(True)
    with Gradient(model=twin, composite=composite()) as attributor:
        logits, relevance = attributor(xd, attr_output=lambda y: y * nn.functional.one_hot(
            y.argmax(1), y.shape[1]).to(y))
    np.save(os.path.join(OUT, f'{name}-x.npy'), xn.astype(np.float32))
    np.save(os.path.join(OUT, f'{name}-y.npy'), outputs[0].astype(np.float32))
    np.save(os.path.join(OUT, f'{name}-logits.npy'), logits.detach().numpy().astype(np.float32))
    np.save(os.path.join(OUT, f'{name}-r.npy'), relevance.detach().numpy().astype(np.float32))
    sizes = {p: os.path.getsize(p) for p in (ts, dynamo, dynamo + '.data')}
    assert all(s < 1 << 20 for s in sizes.values()), sizes
    print(name, 'opset', opset, 'ts', sizes[ts], 'dynamo', sizes[dynamo] + sizes[dynamo + '.data'], 'bytes;',
          'relevance sums', relevance.sum(dim=tuple(range(1, relevance.dim()))).detach().numpy().round(4))


def tutorial_outputs():
    for net in ('mlp', 'cnn'):
        model, x = os.path.join(OUT, f'tutorial-{net}.onnx'), os.path.join(OUT, f'tutorial-x-{net}.npy')
        if os.path.exists(model) and os.path.exists(x):
            x = np.load(x)
            rank = len(ort.InferenceSession(model, providers=['CPUExecutionProvider']).get_inputs()[0].shape)
            if rank == 2:    # the MLP takes N x 784
                x = x.reshape(x.shape[0], -1)
            elif x.ndim == 4:  # lrps's N x H x W x C to ONNX's N x C x H x W
                x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
            y = run_onnxruntime(model, x)
            np.save(os.path.join(OUT, f'tutorial-y-{net}.npy'), y.astype(np.float32))
            # The model itself is not committed (the MLP's is over 1 MB): its size and CRC-32 are, and
            # the test checks that lrps writes exactly these bytes today.
            with open(model, 'rb') as f:
                data = f.read()
            with open(os.path.join(OUT, f'tutorial-{net}.onnx.crc32'), 'w') as f:
                f.write('%d %08x\n' % (len(data), zlib.crc32(data)))
            print('tutorial', net, 'onnxruntime output', y.shape)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    only = sys.argv[1:]
    for seed, (name, (make, shape, opset)) in enumerate(NETWORKS.items()):
        if not only or name in only:
            export(name, make, shape, opset, 100 + seed)
    tutorial_outputs()


if __name__ == '__main__':
    main()
