-- Run by 'pitstop plugin remove comments --drop-data', in one transaction with the removal.
DROP TABLE comments;
