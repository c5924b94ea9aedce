"""A first walkthrough of sagebox's model registry with boto3.

    SAGEBOX_URL=http://127.0.0.1:8086 python3 examples/registry_boto3.py

Any credentials work in the default auth mode (`parse`): a 12-digit access key
is taken as the account id.
"""
import os
import datetime
import boto3

url = os.environ.get("SAGEBOX_URL", "http://127.0.0.1:8086")
sm = boto3.client(
    "sagemaker",
    endpoint_url=url,
    region_name="us-east-1",
    aws_access_key_id="123456789012",
    aws_secret_access_key="anything",
)
group = os.environ.get("GROUP", "boto3-walkthrough")

sm.create_model_package_group(ModelPackageGroupName=group, ModelPackageGroupDescription="fine-tuned LLMs")
created = sm.create_model_package(
    ModelPackageGroupName=group,
    ModelPackageRegistrationType="Logged",
    InferenceSpecification={
        "Containers": [
            {
                "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:latest",
                "ModelDataUrl": "s3://my-bucket/models/model.tar.gz",
                "BaseModel": {"HubContentName": "sagebox-tiny-llama", "HubContentVersion": "1.0.0", "RecipeName": "sft-lora"},
                "IsCheckpoint": True,
            }
        ],
        "SupportedContentTypes": ["application/json"],
        "SupportedResponseMIMETypes": ["application/json"],
    },
)
arn = created["ModelPackageArn"]
print("created", arn)

described = sm.describe_model_package(ModelPackageName=arn)
container = described["InferenceSpecification"]["Containers"][0]
assert container["BaseModel"]["RecipeName"] == "sft-lora", container
assert container["IsCheckpoint"] is True
assert described["ModelPackageRegistrationType"] == "Logged"
assert isinstance(described["CreationTime"], datetime.datetime)
print("status", described["ModelPackageStatus"], "approval", described["ModelApprovalStatus"])

# Promote the logged model to a registered, approved version.
sm.update_model_package(ModelPackageArn=arn, ModelPackageRegistrationType="Registered", ModelApprovalStatus="Approved")
versions = sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
print("versions", [(v["ModelPackageVersion"], v["ModelApprovalStatus"], v["ModelPackageRegistrationType"]) for v in versions])
assert versions[-1]["ModelApprovalStatus"] == "Approved"

try:
    sm.describe_model_package(ModelPackageName=f"{group}/999")
except sm.exceptions.ClientError as error:
    print("expected error:", error.response["Error"]["Code"], "-", error.response["Error"]["Message"])
print("boto3 walkthrough: ok")
