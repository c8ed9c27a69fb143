"""Write torch_reference.json: 5 steps of every torch.optim optimizer behind symbackprop's `pytorch` form
(tests/test_optimizers.py replays them with symbackprop.optimizers, which CI can do without torch).

Needs torch (tested with 2.13.0, CPU). Run from anywhere:  python tests/data/optim/make_torch_reference.py

Each case: an optimizer with settings (torch's keyword names), started at THETA0, with the gradient of the
fixed quadratic L(θ) = ½·θᵀQθ − cᵀθ, i.e. g = Qθ − c, at each step; float64, single-tensor code path
(foreach=False). Recorded per step: θ after the step and the optimizer's state, by symbackprop's state names.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

Q = [[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 3.0]]
C = [1.0, -0.5, 0.25]
THETA0 = [0.5, -1.2, 2.0]
STEPS = 5

# symbackprop name -> (torch class, fixed keywords)
OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {}),
    "nesterov": (torch.optim.SGD, {"nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adadelta": (torch.optim.Adadelta, {}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
}
# symbackprop's state name -> torch's state key
STATE = {"velocity": "momentum_buffer", "G": "sum", "Eg2": "square_avg", "Edx2": "acc_delta",
         "m": "exp_avg", "v": "exp_avg_sq"}
# settings in torch's keyword names (our `momentum` and `nesterov` default to momentum 0.9: given here)
CASES = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "weight_decay": 0.01}),
    ("momentum", {"lr": 0.1, "momentum": 0.9}),
    ("momentum", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("nesterov", {"lr": 0.1, "momentum": 0.9}),
    ("nesterov", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.01, "initial_accumulator_value": 0.5, "eps": 1e-6}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.01}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01}),
    ("adamw", {"lr": 0.1}),
    ("adamw", {"lr": 0.1, "betas": [0.8, 0.99], "weight_decay": 0.1}),
]


def run(name: str, settings: dict) -> list[dict]:
    cls, fixed = OPTIMIZERS[name]
    q, c = torch.tensor(Q, dtype=torch.float64), torch.tensor(C, dtype=torch.float64)
    theta = torch.tensor(THETA0, dtype=torch.float64, requires_grad=True)
    kwargs = {**fixed, **settings}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = cls([theta], foreach=False, **kwargs)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = 0.5 * theta @ q @ theta - c @ theta
        loss.backward()
        opt.step()
        state = opt.state[theta]
        steps.append({"theta": theta.detach().tolist(),
                      "state": {ours: state[theirs].tolist() for ours, theirs in STATE.items()
                                if isinstance(state.get(theirs), torch.Tensor)}})
    return steps


def main() -> None:
    torch.set_default_dtype(torch.float64)
    out = {"torch": torch.__version__, "Q": Q, "c": C, "theta0": THETA0,
           "cases": [{"optimizer": name, "settings": settings, "steps": run(name, settings)}
                     for name, settings in CASES]}
    path = Path(__file__).with_name("torch_reference.json")
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
