#!/usr/bin/python3
"""Times training steps of one paper-family network in PyTorch (CPU), for bench/train.

usage: train_torch.py H W C K BATCH THREADS SECONDS
Prints one line: images/s. Same network (conv3x3 valid + ReLU, maxpool 2, twice, flatten,
dense 10), softmax cross-entropy, Adam (lr 1e-3, eps 1e-7) and synthetic inputs in [0, 1]."""
import sys
import time

import torch

h, w, c, k, batch, threads = (int(a) for a in sys.argv[1:7])
seconds = float(sys.argv[7])
torch.set_num_threads(threads)
torch.manual_seed(1)
flat = ((((h - 2) // 2) - 2) // 2) * ((((w - 2) // 2) - 2) // 2) * k
net = torch.nn.Sequential(
    torch.nn.Conv2d(c, k, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(k, k, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(flat, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.rand(batch, c, h, w)
y = torch.randint(0, 10, (batch,))


def step():
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()


step()
steps, t0 = 0, time.perf_counter()
while True:
    step()
    steps += 1
    dt = time.perf_counter() - t0
    if dt >= seconds and steps >= 3:
        break
print(f"{steps * batch / dt:.1f}")
