"""Reading documents: PDF and text extraction, image sizes, the tokenizer, passages and their scoring."""
