terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
  backend "s3" {
    bucket = "shop-terraform-state"
    key    = "shop/prod.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "assets" {
  bucket = "${var.name}-assets-${var.environment}"
  tags   = local.tags
}

resource "aws_db_instance" "orders" {
  identifier          = "${var.name}-orders-${var.environment}"
  engine              = "postgres"
  instance_class      = "db.t4g.small"
  allocated_storage   = 20
  db_name             = "orders"
  username            = "shop"
  manage_master_user_password = true
  skip_final_snapshot = false
  tags                = local.tags
}

resource "aws_ecr_repository" "service" {
  for_each             = toset(["api", "web", "worker"])
  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  tags                 = local.tags
}

locals {
  tags = {
    app         = var.name
    environment = var.environment
  }
}
