"""The training code of the README's first training job: it reads the SageMaker container
contract (hyperparameters.json, SM_MODEL_DIR), prints metrics and writes a model."""
import json
import os

hps = json.load(open(os.path.join(os.environ["SM_INPUT_CONFIG_DIR"], "hyperparameters.json")))
for epoch in range(1, int(hps["epochs"]) + 1):
    print(f"epoch={epoch} loss={1 / epoch:.4f}", flush=True)
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as f:
    json.dump({"epochs": hps["epochs"]}, f)
