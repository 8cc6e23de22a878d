variable "name" {
  type    = string
  default = "shop"
}

variable "environment" {
  type = string
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
