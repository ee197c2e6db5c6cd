-- 类-level expenditure (万元) per disclosing unit and year, from the view extract builds
-- (one row per document and 科目 code; level 1 = 类, so the rows of a document sum to its 合计).
SELECT unit_name, fiscal_year, function_code, function_name, round(sum(total_wan_yuan), 2) AS total_wan_yuan
FROM expenditure_by_function
WHERE level = 1
GROUP BY ALL
ORDER BY unit_name, fiscal_year, function_code;
