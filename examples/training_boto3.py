"""A first training job against sagebox with boto3: create it, wait for it, stream its log the
way the SageMaker Python SDK's `logs_for_job` does (DescribeLogStreams + GetLogEvents), and read
the final metrics and the model location.

    SAGEBOX_URL=http://127.0.0.1:8086 python3 examples/training_boto3.py
"""
import os
import time

import boto3

url = os.environ.get("SAGEBOX_URL", "http://127.0.0.1:8086")
session = boto3.Session(aws_access_key_id="123456789012", aws_secret_access_key="x", region_name="us-east-1")
sagemaker = session.client("sagemaker", endpoint_url=url)
logs = session.client("logs", endpoint_url=url)

# The training code: any command works (ContainerEntrypoint). This one reads the SageMaker
# container contract, prints metrics and writes a model.
TRAIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "first_job_train.py")

job = f"boto3-first-job-{int(time.time())}"
sagemaker.create_training_job(
    TrainingJobName=job,
    RoleArn="arn:aws:iam::123456789012:role/SageMakerRole",
    AlgorithmSpecification={
        "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest",
        "TrainingInputMode": "File",
        "ContainerEntrypoint": ["python3", TRAIN],
        "MetricDefinitions": [{"Name": "train:loss", "Regex": "loss=([0-9.]+)"}],
    },
    HyperParameters={"epochs": "3"},
    OutputDataConfig={"S3OutputPath": "s3://my-bucket/output"},
    ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
    StoppingCondition={"MaxRuntimeInSeconds": 600},
)
print("created", job)

# botocore's waiter polls every 120 s by default; locally a second is plenty.
sagemaker.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=job, WaiterConfig={"Delay": 1, "MaxAttempts": 120})

# What the SageMaker Python SDK does to show a job's log.
group = "/aws/sagemaker/TrainingJobs"
streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=job + "/", orderBy="LogStreamName", limit=1)
for stream in streams["logStreams"]:
    token = None
    while True:
        page = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"], startFromHead=True,
                                   **({"nextToken": token} if token else {}))
        for event in page["events"]:
            print(f"[{stream['logStreamName']}] {event['message']}")
        if not page["events"]:
            break
        token = page["nextForwardToken"]

job_info = sagemaker.describe_training_job(TrainingJobName=job)
print("status:", job_info["TrainingJobStatus"], "/", job_info["SecondaryStatus"])
print("transitions:", " -> ".join(t["Status"] for t in job_info["SecondaryStatusTransitions"]))
print("final metrics:", {m["MetricName"]: m["Value"] for m in job_info["FinalMetricDataList"]})
print("model:", job_info["ModelArtifacts"]["S3ModelArtifacts"])
assert job_info["TrainingJobStatus"] == "Completed"
print("boto3 training walkthrough: ok")
