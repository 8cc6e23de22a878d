# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.60.0"
  constraints = "~> 5.60"
  hashes = [
    "h1:XxVhnhtrRW3YueabP668hVgMPXGBXl7jH5VDoWRgXHY=",
  ]
}
