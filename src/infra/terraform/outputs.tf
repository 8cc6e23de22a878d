output "assets_bucket" {
  value = aws_s3_bucket.assets.bucket
}

output "repositories" {
  value = { for k, r in aws_ecr_repository.service : k => r.repository_url }
}
