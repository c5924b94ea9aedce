#!/usr/bin/env bash
# AWS CLI smoke test of sagebox's model registry: the `aws` first on PATH, unchanged, talks
# to a running sagebox through --endpoint-url with dummy credentials.
#
#   sagebox serve &                 # or: npx tsx src/cli/main.ts serve
#   scripts/cli-smoke.sh            # SAGEBOX_URL=http://127.0.0.1:8086 by default
#
# Every step prints what it does; the script stops at the first failure (non-zero exit) and
# ends with "cli smoke: N passed, 0 failed". Resource names carry a per-run suffix, so it can
# run again and again against the same server.
set -euo pipefail

SAGEBOX_URL="${SAGEBOX_URL:-http://127.0.0.1:8086}"
REGION=us-east-1

# Dummy credentials, and nothing from the caller's own AWS configuration.
export AWS_ACCESS_KEY_ID=AKIDSAGEBOXSMOKE AWS_SECRET_ACCESS_KEY=sagebox-smoke-secret
export AWS_DEFAULT_REGION="$REGION" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_DEFAULT_PROFILE

if ! command -v aws >/dev/null 2>&1; then
  echo "cli smoke: the AWS CLI ('aws') is not on PATH" >&2
  exit 2
fi

steps=0
current="(start)"
finished=0
on_exit() {
  local rc=$?
  if [[ $finished -eq 0 ]]; then
    echo "cli smoke: FAILED at step $steps: $current (exit $rc)" >&2
    echo "cli smoke: $((steps > 0 ? steps - 1 : 0)) passed, 1 failed" >&2
    [[ $rc -ne 0 ]] || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT

# sm <aws sagemaker args...>: one call against sagebox.
sm() { aws sagemaker "$@" --endpoint-url "$SAGEBOX_URL" --region "$REGION"; }

step() {
  current="$1"
  steps=$((steps + 1))
  printf '[%2d] %s\n' "$steps" "$1"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    echo "     $1: expected '$3', got '$2'" >&2
    return 1
  fi
  echo "     $1 = $2"
}

suffix="$(date +%s)-$$"
GROUP="cli-smoke-$suffix"
HUB_NAME="meta-textgeneration-llama-3-2-1b"
HUB_VERSION="2.0.1"
RECIPE="llama-3-2-1b-instruct-lora-sft"

echo "cli smoke: $(aws --version 2>&1) against $SAGEBOX_URL"

step "create-model-package-group $GROUP"
GROUP_ARN="$(sm create-model-package-group --model-package-group-name "$GROUP" \
  --model-package-group-description "AWS CLI smoke test" --query ModelPackageGroupArn --output text)"
expect_eq "ModelPackageGroupArn ends with" "${GROUP_ARN##*:model-package-group/}" "$GROUP"

step "create-model-package (BaseModel, IsCheckpoint, registration type Logged)"
INFERENCE_SPEC="$(cat <<JSON
{
  "Containers": [{
    "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124",
    "ModelDataUrl": "s3://sagebox-smoke/checkpoints/step-500/model.tar.gz",
    "IsCheckpoint": true,
    "BaseModel": {"HubContentName": "$HUB_NAME", "HubContentVersion": "$HUB_VERSION", "RecipeName": "$RECIPE"}
  }],
  "SupportedContentTypes": ["application/json"],
  "SupportedResponseMIMETypes": ["application/json"]
}
JSON
)"
PACKAGE_ARN="$(sm create-model-package --model-package-group-name "$GROUP" \
  --model-package-description "checkpoint at step 500" \
  --inference-specification "$INFERENCE_SPEC" \
  --model-package-registration-type Logged \
  --query ModelPackageArn --output text)"
expect_eq "ModelPackageArn ends with" "${PACKAGE_ARN##*:model-package/}" "$GROUP/1"

step "describe-model-package: BaseModel, IsCheckpoint and ModelPackageRegistrationType round-trip"
described="$(sm describe-model-package --model-package-name "$PACKAGE_ARN" --output text --query \
  '[InferenceSpecification.Containers[0].BaseModel.HubContentName, InferenceSpecification.Containers[0].BaseModel.HubContentVersion, InferenceSpecification.Containers[0].BaseModel.RecipeName, InferenceSpecification.Containers[0].IsCheckpoint, ModelPackageRegistrationType, ModelPackageVersion, ModelApprovalStatus]')"
expect_eq "HubContentName HubContentVersion RecipeName IsCheckpoint RegistrationType Version Approval" \
  "$(echo "$described" | tr -s '\t' ' ')" "$HUB_NAME $HUB_VERSION $RECIPE True Logged 1 PendingManualApproval"

step "describe-model-package by <group>/<version>"
by_version="$(sm describe-model-package --model-package-name "$GROUP/1" --query ModelPackageArn --output text)"
expect_eq "ModelPackageArn" "$by_version" "$PACKAGE_ARN"

step "list-model-packages --model-package-group-name $GROUP"
listed="$(sm list-model-packages --model-package-group-name "$GROUP" --output text \
  --query '[length(ModelPackageSummaryList), ModelPackageSummaryList[0].ModelPackageArn, ModelPackageSummaryList[0].ModelPackageRegistrationType]')"
expect_eq "count ARN RegistrationType" "$(echo "$listed" | tr -s '\t' ' ')" "1 $PACKAGE_ARN Logged"

step "update-model-package: approve"
updated="$(sm update-model-package --model-package-arn "$PACKAGE_ARN" --model-approval-status Approved \
  --approval-description "approved by the CLI smoke test" --query ModelPackageArn --output text)"
expect_eq "ModelPackageArn" "$updated" "$PACKAGE_ARN"
approved="$(sm describe-model-package --model-package-name "$PACKAGE_ARN" --output text \
  --query '[ModelApprovalStatus, ApprovalDescription]')"
expect_eq "ModelApprovalStatus ApprovalDescription" "$(echo "$approved" | tr '\t' ' ')" "Approved approved by the CLI smoke test"

step "batch-describe-model-package (one found, one missing)"
MISSING_ARN="${PACKAGE_ARN%/*}/999"
batch="$(sm batch-describe-model-package --model-package-arn-list "$PACKAGE_ARN" "$MISSING_ARN" --output text --query \
  "[ModelPackageSummaries.\"$PACKAGE_ARN\".ModelApprovalStatus, ModelPackageSummaries.\"$PACKAGE_ARN\".ModelPackageRegistrationType, ModelPackageSummaries.\"$PACKAGE_ARN\".InferenceSpecification.Containers[0].BaseModel.RecipeName, length(keys(BatchDescribeModelPackageErrorMap)), keys(BatchDescribeModelPackageErrorMap)[0]]")"
expect_eq "Approval RegistrationType RecipeName errors missing-ARN" "$(echo "$batch" | tr -s '\t' ' ')" \
  "Approved Logged $RECIPE 1 $MISSING_ARN"

step "add-tags on the group"
sm add-tags --resource-arn "$GROUP_ARN" --tags Key=team,Value=ml-platform Key=stage,Value=smoke --output json >/dev/null

step "list-tags on the group"
tags="$(sm list-tags --resource-arn "$GROUP_ARN" --output text --query "[length(Tags), Tags[?Key=='team'].Value | [0]]")"
expect_eq "count team" "$(echo "$tags" | tr -s '\t' ' ')" "2 ml-platform"

step "delete-model-package"
sm delete-model-package --model-package-name "$PACKAGE_ARN"
left="$(sm list-model-packages --model-package-group-name "$GROUP" --query 'length(ModelPackageSummaryList)' --output text)"
expect_eq "versions left" "$left" "0"

step "delete-model-package-group"
sm delete-model-package-group --model-package-group-name "$GROUP"
set +e
gone="$(sm describe-model-package-group --model-package-group-name "$GROUP" 2>&1)"
rc=$?
set -e
if [[ $rc -eq 0 ]]; then
  echo "     describe-model-package-group still answers after the delete: $gone" >&2
  false
fi
echo "     describe-model-package-group now fails (exit $rc): ${gone//$'\n'/ }"

step "bad input: create-model-package-group --model-package-group-name 'bad_name' is a ValidationException"
set +e
bad="$(sm create-model-package-group --model-package-group-name bad_name 2>&1)"
rc=$?
set -e
if [[ $rc -ne 254 && $rc -ne 255 ]]; then
  echo "     expected exit 254 or 255, got $rc: $bad" >&2
  false
fi
case "$bad" in
  *"(ValidationException)"*"1 validation error detected: Value 'bad_name' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern"*) ;;
  *) echo "     unexpected error text: $bad" >&2; false ;;
esac
echo "     exit $rc: ${bad//$'\n'/ }"

finished=1
echo "cli smoke: $steps passed, 0 failed"
