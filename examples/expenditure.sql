-- 类-level expenditure (万元) per disclosing unit and year, from the view extract builds.
SELECT unit_name, fiscal_year, function_code, function_name, round(sum(amount_wan_yuan), 2) AS total_wan_yuan
FROM expenditure_by_function
WHERE table_key = 'expenditure_total' AND "column" LIKE '%合计'
GROUP BY ALL
ORDER BY unit_name, fiscal_year, function_code;
